//! `ecekit-precompress FILE...` writes `FILE.gz` next to each file: gzip made
//! with Zopfli, which every browser decodes like any gzip and which comes out
//! about 4% smaller than `gzip -9`. `scripts/assemble.py` runs it over
//! dist/web, for servers that send precompressed files (nginx `gzip_static
//! on`, Caddy `precompressed gzip`, `make run`). It prints one line per file:
//! the path, its size and the size of its `.gz`.

use std::path::Path;
use std::process::ExitCode;
use std::{env, fs, thread};

fn precompress(file: &Path) -> Result<(usize, usize), String> {
    let data = fs::read(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let mut gz = Vec::new();
    zopfli::compress(
        zopfli::Options::default(),
        zopfli::Format::Gzip,
        data.as_slice(),
        &mut gz,
    )
    .map_err(|e| format!("cannot compress {}: {e}", file.display()))?;
    let mut target = file.as_os_str().to_owned();
    target.push(".gz");
    fs::write(&target, &gz)
        .map_err(|e| format!("cannot write {}: {e}", Path::new(&target).display()))?;
    Ok((data.len(), gz.len()))
}

fn main() -> ExitCode {
    let files: Vec<_> = env::args_os().skip(1).collect();
    if files.is_empty() {
        eprintln!("usage: ecekit-precompress FILE...  (writes FILE.gz next to each)");
        return ExitCode::from(2);
    }
    // One thread per file: Zopfli is slow, and the wasm files dominate.
    let results: Vec<_> = thread::scope(|scope| {
        let handles: Vec<_> = files
            .iter()
            .map(|file| scope.spawn(move || precompress(Path::new(file))))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a compression thread panicked"))
            .collect()
    });
    let mut failed = false;
    for (file, result) in files.iter().zip(results) {
        match result {
            Ok((raw, gz)) => println!("{}\t{raw}\t{gz}", Path::new(file).display()),
            Err(message) => {
                eprintln!("ecekit-precompress: {message}");
                failed = true;
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
