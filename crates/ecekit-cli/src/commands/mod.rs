pub mod curl;
pub mod keystore;
pub mod policy;
pub mod repository;
pub mod simulator;
pub mod validate;

/// Documents are printed byte-exact, without a final newline of their own.
/// On a terminal, end the line so the note on stderr starts on its own line;
/// pipes and files still get the exact bytes.
pub fn end_line_on_terminal(printed: &str) {
    use std::io::IsTerminal;
    if !printed.ends_with('\n') && std::io::stdout().is_terminal() {
        println!();
    }
}
