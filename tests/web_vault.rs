//! The remembered-key vault against the browser's real Web Crypto
//! (wasm-bindgen-test in headless Chromium).
#![cfg(target_arch = "wasm32")]

use ecekit_web::vault::{seal, unlock, VaultError, ITERATIONS};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const COORDINATOR: &str = "https://ece.example.com:12443";
const KEY: &str = "essu_RkFLRS1rZXk6ZmFrZQ==";

#[wasm_bindgen_test]
async fn a_sealed_key_unlocks_with_its_passphrase_only() {
    let record = seal("correct horse battery staple", COORDINATOR, KEY)
        .await
        .unwrap();
    assert_eq!(record.iterations, ITERATIONS);
    assert!(!record.ciphertext.contains(KEY));
    assert_eq!(
        unlock("correct horse battery staple", &record)
            .await
            .unwrap(),
        KEY
    );
    assert_eq!(
        unlock("wrong passphrase", &record).await,
        Err(VaultError::WrongPassphrase)
    );
    // A wrong passphrase destroys nothing: the record still opens.
    assert_eq!(
        unlock("correct horse battery staple", &record)
            .await
            .unwrap(),
        KEY
    );
}

#[wasm_bindgen_test]
async fn every_save_uses_a_fresh_salt_and_iv() {
    let a = seal("p", COORDINATOR, KEY).await.unwrap();
    let b = seal("p", COORDINATOR, KEY).await.unwrap();
    assert_ne!(a.iv, b.iv);
    assert_ne!(a.salt, b.salt);
    assert_ne!(a.ciphertext, b.ciphertext);
}

#[wasm_bindgen_test]
async fn a_record_moved_to_another_coordinator_does_not_open() {
    let mut record = seal("p", COORDINATOR, KEY).await.unwrap();
    record.coordinator = "https://other.example.com:12443".into();
    assert_eq!(unlock("p", &record).await, Err(VaultError::WrongPassphrase));
}
