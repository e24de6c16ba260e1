//! Access policy: the builder (bucket, base path, KMS key, identity or bucket
//! policy) with the policy shown live; GCS and Azure get their role / SAS
//! permissions and the commands that grant them.

use crate::app::AppContext;
use crate::components::fields::{StoragePicker, TextField};
use crate::components::generated::render_generated;
use crate::outputs;
use crate::state::{Field, Storage};
use yew::prelude::*;

#[function_component(PolicyPage)]
pub fn policy_page() -> Html {
    let ctx = use_context::<AppContext>().expect("AppContext");
    let draft = &ctx.draft;
    let generated = outputs::policy(draft);
    let errors = outputs::input_errors(draft);
    let s3 = matches!(draft.storage, Storage::S3 | Storage::S3Compatible);
    html! {
        <>
            <StoragePicker />
            <div class="grid-form">
                <TextField field={Field::Bucket} label={if draft.storage == Storage::Azure { "Container" } else { "Bucket" }}
                    placeholder="snaps.example.com" help="One bucket per cluster: snapshots of two clusters in one bucket overwrite each other."
                    error={errors.get(Field::Bucket)} />
                <TextField field={Field::BasePath} label="Base path (optional)" placeholder="prod/cluster-1"
                    help="Limits the credentials to this prefix. No leading or trailing /." error={errors.get(Field::BasePath)} />
                if s3 {
                    <TextField field={Field::KmsKeyArn} label="KMS key ARN (optional)"
                        placeholder="arn:aws:kms:eu-west-1:111122223333:key/…"
                        help="Only when the bucket's default encryption is SSE-KMS: adds kms:GenerateDataKey and kms:Decrypt on this key."
                        error={errors.get(Field::KmsKeyArn)} />
                    <TextField field={Field::PrincipalArn} label="Principal ARN (bucket policy only)"
                        placeholder="arn:aws:iam::111122223333:user/es-snapshots"
                        help="Leave empty for an identity policy attached to the IAM user. Set it to write a bucket policy instead."
                        error={errors.get(Field::PrincipalArn)} />
                }
            </div>
            { render_generated(&generated) }
        </>
    }
}
