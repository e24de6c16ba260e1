//! The encrypted-at-rest form of a remembered API key.
//!
//! PBKDF2-HMAC-SHA256 (600,000 iterations, random 16-byte salt) turns the
//! user's passphrase into an AES-GCM-256 key; every save uses a fresh random
//! 12-byte IV; the coordinator URL is bound as additional authenticated data,
//! so a record copied to another coordinator's slot does not decrypt. Only
//! the `SealedKey` record is ever stored; the passphrase and the key never are.
//! The crypto runs in the browser's Web Crypto (`crypto.subtle`).

use serde::Serialize;
use serde_json::Value;

pub const ITERATIONS: u32 = 600_000;
pub const SALT_BYTES: usize = 16;
pub const IV_BYTES: usize = 12;
pub const FORMAT_VERSION: u32 = 1;
/// The shortest passphrase a key may be sealed with.
pub const MIN_PASSPHRASE_CHARS: usize = 8;

/// Why `passphrase` cannot seal a key, if it cannot.
pub fn passphrase_problem(passphrase: &str) -> Option<String> {
    (passphrase.chars().count() < MIN_PASSPHRASE_CHARS)
        .then(|| format!("Choose a passphrase of at least {MIN_PASSPHRASE_CHARS} characters."))
}

/// What is stored. Everything in it is safe to keep on disk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SealedKey {
    pub v: u32,
    pub kdf: String,
    pub iterations: u32,
    /// Hex.
    pub salt: String,
    /// Hex.
    pub iv: String,
    /// Hex: AES-GCM ciphertext with its 16-byte tag.
    pub ciphertext: String,
    /// The coordinator the key belongs to (also the additional data).
    pub coordinator: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VaultError {
    /// The passphrase does not open the record (or the record was altered).
    WrongPassphrase,
    /// The stored record cannot be read (another version, damaged).
    Unreadable(String),
    /// Web Crypto is missing (not a secure context) or failed.
    Crypto(String),
}

impl std::fmt::Display for VaultError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            VaultError::WrongPassphrase => f.write_str(
                "That passphrase does not unlock the saved key. Nothing was changed: try again, or use Forget to remove the saved key and enter it anew.",
            ),
            VaultError::Unreadable(why) => write!(f, "The saved key cannot be read ({why}). Use Forget and enter the key again."),
            VaultError::Crypto(why) => write!(f, "The browser's Web Crypto is not available here ({why}): open ecekit over https, from localhost or as the extension to remember a key."),
        }
    }
}

/// The additional data that binds a record to its coordinator.
pub fn additional_data(coordinator: &str) -> Vec<u8> {
    format!(
        "ecekit-api-key-v{FORMAT_VERSION}|{}",
        coordinator.trim_end_matches('/')
    )
    .into_bytes()
}

pub fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn from_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// The binary parts of a record that passed its check.
#[derive(Debug, PartialEq, Eq)]
pub struct RecordParts {
    pub salt: Vec<u8>,
    pub iv: Vec<u8>,
    pub ciphertext: Vec<u8>,
}

impl SealedKey {
    /// A stored record: every field must be there with its type (unknown
    /// fields are ignored). Read field by field rather than with a derived
    /// `Deserialize`, which costs several KB of wasm.
    pub fn from_json(text: &str) -> Option<SealedKey> {
        let value: Value = ecekit_core::json::read_value(text).ok()?;
        let text = |key: &str| value.get(key)?.as_str().map(str::to_string);
        let number = |key: &str| u32::try_from(value.get(key)?.as_u64()?).ok();
        Some(SealedKey {
            v: number("v")?,
            kdf: text("kdf")?,
            iterations: number("iterations")?,
            salt: text("salt")?,
            iv: text("iv")?,
            ciphertext: text("ciphertext")?,
            coordinator: text("coordinator")?,
        })
    }

    /// Checks the record before any crypto runs.
    pub fn check(&self) -> Result<RecordParts, VaultError> {
        if self.v != FORMAT_VERSION || self.kdf != "PBKDF2-HMAC-SHA256" {
            return Err(VaultError::Unreadable(format!(
                "format {} / {}",
                self.v, self.kdf
            )));
        }
        if self.iterations < ITERATIONS {
            return Err(VaultError::Unreadable("too few PBKDF2 iterations".into()));
        }
        let salt = from_hex(&self.salt).filter(|s| s.len() == SALT_BYTES);
        let iv = from_hex(&self.iv).filter(|s| s.len() == IV_BYTES);
        let ciphertext = from_hex(&self.ciphertext).filter(|c| c.len() > 16);
        match (salt, iv, ciphertext) {
            (Some(salt), Some(iv), Some(ciphertext)) => Ok(RecordParts {
                salt,
                iv,
                ciphertext,
            }),
            _ => Err(VaultError::Unreadable(
                "damaged salt, IV or ciphertext".into(),
            )),
        }
    }
}

#[cfg(target_arch = "wasm32")]
pub use web::{seal, unlock};

#[cfg(target_arch = "wasm32")]
mod web {
    use super::*;
    use js_sys::{Array, Object, Uint8Array};
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{
        AesDerivedKeyParams, AesGcmParams, Crypto, CryptoKey, Pbkdf2Params, SubtleCrypto,
    };

    fn crypto() -> Result<Crypto, VaultError> {
        let global = js_sys::global();
        let crypto = js_sys::Reflect::get(&global, &JsValue::from_str("crypto"))
            .ok()
            .and_then(|c| c.dyn_into::<Crypto>().ok())
            .ok_or_else(|| VaultError::Crypto("no crypto object".into()))?;
        Ok(crypto)
    }

    fn subtle() -> Result<SubtleCrypto, VaultError> {
        let crypto = crypto()?;
        let subtle = js_sys::Reflect::get(&crypto, &JsValue::from_str("subtle"))
            .ok()
            .filter(|s| !s.is_undefined())
            .ok_or_else(|| {
                VaultError::Crypto("crypto.subtle is missing outside a secure context".into())
            })?;
        Ok(subtle.unchecked_into())
    }

    fn random(n: usize) -> Result<Vec<u8>, VaultError> {
        let mut bytes = vec![0u8; n];
        crypto()?
            .get_random_values_with_u8_array(&mut bytes)
            .map_err(|_| VaultError::Crypto("getRandomValues failed".into()))?;
        Ok(bytes)
    }

    async fn wait(promise: Result<js_sys::Promise, JsValue>) -> Result<JsValue, JsValue> {
        JsFuture::from(promise?).await
    }

    /// Derives the non-extractable AES-GCM key from the passphrase and salt.
    async fn derive(
        passphrase: &str,
        salt: &[u8],
        iterations: u32,
    ) -> Result<CryptoKey, VaultError> {
        let subtle = subtle()?;
        let material = Uint8Array::from(passphrase.as_bytes());
        let base = wait(subtle.import_key_with_str(
            "raw",
            &material,
            "PBKDF2",
            false,
            &Array::of1(&"deriveKey".into()),
        ))
        .await
        .map_err(|_| VaultError::Crypto("importKey failed".into()))?;
        let params =
            Pbkdf2Params::new_with_str("PBKDF2", "SHA-256", iterations, &Uint8Array::from(salt));
        let key = wait(subtle.derive_key_with_object_and_object(
            &params,
            base.unchecked_ref(),
            &AesDerivedKeyParams::new("AES-GCM", 256),
            false,
            &Array::of2(&"encrypt".into(), &"decrypt".into()),
        ))
        .await
        .map_err(|_| VaultError::Crypto("deriveKey failed".into()))?;
        Ok(key.unchecked_into())
    }

    fn gcm(iv: &[u8], coordinator: &str) -> AesGcmParams {
        let params = AesGcmParams::new_with_u8_array("AES-GCM", &Uint8Array::from(iv));
        let aad: Object = Uint8Array::from(additional_data(coordinator).as_slice()).into();
        params.set_additional_data(&aad);
        params
    }

    /// Encrypts `api_key` for `coordinator` under `passphrase`: new salt, new IV.
    pub async fn seal(
        passphrase: &str,
        coordinator: &str,
        api_key: &str,
    ) -> Result<SealedKey, VaultError> {
        let salt = random(SALT_BYTES)?;
        let iv = random(IV_BYTES)?;
        let key = derive(passphrase, &salt, ITERATIONS).await?;
        let sealed = wait(subtle()?.encrypt_with_object_and_u8_array(
            &gcm(&iv, coordinator),
            &key,
            api_key.as_bytes(),
        ))
        .await
        .map_err(|_| VaultError::Crypto("encrypt failed".into()))?;
        Ok(SealedKey {
            v: FORMAT_VERSION,
            kdf: "PBKDF2-HMAC-SHA256".into(),
            iterations: ITERATIONS,
            salt: to_hex(&salt),
            iv: to_hex(&iv),
            ciphertext: to_hex(&js_sys::Uint8Array::new(&sealed).to_vec()),
            coordinator: coordinator.to_string(),
        })
    }

    /// Decrypts a record. A wrong passphrase (or a record moved to another
    /// coordinator, or altered) fails authentication: `WrongPassphrase`.
    pub async fn unlock(passphrase: &str, record: &SealedKey) -> Result<String, VaultError> {
        let RecordParts {
            salt,
            iv,
            ciphertext,
        } = record.check()?;
        let key = derive(passphrase, &salt, record.iterations).await?;
        let plain = wait(subtle()?.decrypt_with_object_and_u8_array(
            &gcm(&iv, &record.coordinator),
            &key,
            &ciphertext,
        ))
        .await
        .map_err(|_| VaultError::WrongPassphrase)?;
        String::from_utf8(js_sys::Uint8Array::new(&plain).to_vec())
            .map_err(|_| VaultError::WrongPassphrase)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record() -> SealedKey {
        SealedKey {
            v: 1,
            kdf: "PBKDF2-HMAC-SHA256".into(),
            iterations: ITERATIONS,
            salt: "00".repeat(SALT_BYTES),
            iv: "11".repeat(IV_BYTES),
            ciphertext: "22".repeat(40),
            coordinator: "https://ece.example.com:12443".into(),
        }
    }

    #[test]
    fn records_round_trip_through_json_and_incomplete_ones_are_refused() {
        let json = serde_json::to_string(&record()).unwrap();
        assert_eq!(SealedKey::from_json(&json), Some(record()));
        let mut value: Value = serde_json::from_str(&json).unwrap();
        value["extra"] = Value::Bool(true);
        assert_eq!(SealedKey::from_json(&value.to_string()), Some(record()));
        value["iterations"] = Value::from("600000");
        assert_eq!(SealedKey::from_json(&value.to_string()), None);
        value.as_object_mut().unwrap().remove("iterations");
        assert_eq!(SealedKey::from_json(&value.to_string()), None);
        assert_eq!(SealedKey::from_json("not json"), None);
    }

    #[test]
    fn hex_round_trips_and_rejects_odd_or_bad_input() {
        let bytes = [0u8, 1, 0xab, 0xff];
        assert_eq!(from_hex(&to_hex(&bytes)).unwrap(), bytes);
        assert_eq!(from_hex("abc"), None);
        assert_eq!(from_hex("zz"), None);
    }

    #[test]
    fn a_sound_record_passes_its_check() {
        let parts = record().check().unwrap();
        assert_eq!(
            (parts.salt.len(), parts.iv.len(), parts.ciphertext.len()),
            (16, 12, 40)
        );
    }

    #[test]
    fn damaged_or_weakened_records_are_refused_before_any_crypto() {
        let mut r = record();
        r.iterations = 1000;
        assert!(matches!(r.check(), Err(VaultError::Unreadable(_))));
        let mut r = record();
        r.iv = "11".repeat(8);
        assert!(matches!(r.check(), Err(VaultError::Unreadable(_))));
    }

    #[test]
    fn additional_data_binds_the_coordinator_without_a_trailing_slash() {
        assert_eq!(
            additional_data("https://a:12443/"),
            additional_data("https://a:12443")
        );
        assert_ne!(
            additional_data("https://a:12443"),
            additional_data("https://b:12443")
        );
    }

    #[test]
    fn passphrases_shorter_than_eight_characters_are_refused() {
        assert!(passphrase_problem("").is_some());
        assert!(passphrase_problem("1234567").is_some());
        // Characters, not bytes: seven two-byte characters are still too short.
        assert!(passphrase_problem("ééééééé").is_some());
        assert_eq!(passphrase_problem("12345678"), None);
    }

    #[test]
    fn the_wrong_passphrase_message_says_nothing_was_destroyed() {
        assert!(VaultError::WrongPassphrase
            .to_string()
            .contains("Nothing was changed"));
    }
}
