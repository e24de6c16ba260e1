//! AWS CLI: create the IAM policy from its JSON document.
//! (The commands that create the user, attach the policy and make the access
//! key come with the policy generator.)

use super::bash::heredoc_delimiter;
use super::{RenderError, Rendered, RenderedFile};

/// `aws iam create-policy --policy-document file://policy.json`, with a
/// quoted heredoc that writes policy.json exactly.
pub fn aws_cli_create_policy(
    policy_json: &str,
    policy_name: &str,
) -> Result<Rendered, RenderError> {
    crate::json::read_value(policy_json)
        .map_err(|e| RenderError::new(format!("the policy is not JSON ({e}): fix it first")))?;
    if policy_name.is_empty()
        || policy_name.len() > 128
        || !policy_name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+=,.@-_".contains(c))
    {
        return Err(RenderError::new(format!(
            "the policy name {policy_name:?} is not valid for IAM: 1 to 128 letters, digits and +=,.@-_"
        )));
    }
    let mut content = policy_json.to_string();
    if !content.ends_with('\n') {
        content.push('\n');
    }
    let delimiter = heredoc_delimiter(&content);
    let text = format!(
        "# Create the IAM policy (needs iam:CreatePolicy).\ncat > policy.json <<'{delimiter}'\n{content}{delimiter}\naws iam create-policy \\\n  --policy-name {policy_name} \\\n  --policy-document file://policy.json\n"
    );
    Ok(Rendered {
        format: super::Format::AwsCli,
        text,
        filename: "create-policy.sh".to_string(),
        files: vec![RenderedFile {
            name: "policy.json".to_string(),
            content,
        }],
        notes: vec!["The answer's Policy.Arn is what attach-user-policy takes.".to_string()],
    })
}
