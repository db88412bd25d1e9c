//! The calls the contract tests make again and again, one helper each: an action on a registration,
//! reading it, verifying a receipt, the status of a bodiless request.

#![allow(dead_code, async_fn_in_trait, clippy::unwrap_used)] // test support code panics by design

use crate::common::TestApp;
use serde_json::Value;

pub use reqwest::Method;

pub trait Calls {
    /// POST `/api/v1/registrations/{no}/{action}` (`acceptance`, `return`, …) with `token`.
    async fn act(&self, no: &str, action: &str, token: Option<&str>, body: &Value) -> (u16, Value);
    /// GET `/api/v1/registrations/{no}` with `token`.
    async fn registration(&self, no: &str, token: Option<&str>) -> (u16, Value);
    /// GET `/api/v1/receipts/{receipt_no}/verify` (public).
    async fn verify(&self, receipt_no: &str) -> (u16, Value);
    /// The status of a bodiless request to `path`.
    async fn status(&self, method: Method, path: &str) -> u16;
    /// The text of a public page.
    async fn text(&self, path: &str) -> String;
    /// POST a filing with its Idempotency-Key: the whole response (headers too).
    async fn file_response(&self, key: &str, body: &Value) -> reqwest::Response;
}

impl Calls for TestApp {
    async fn act(&self, no: &str, action: &str, token: Option<&str>, body: &Value) -> (u16, Value) {
        self.post(&format!("/api/v1/registrations/{no}/{action}"), token, body)
            .await
    }
    async fn registration(&self, no: &str, token: Option<&str>) -> (u16, Value) {
        self.get(&format!("/api/v1/registrations/{no}"), token)
            .await
    }
    async fn verify(&self, receipt_no: &str) -> (u16, Value) {
        let path = self
            .with_code(&format!("/api/v1/receipts/{receipt_no}/verify"))
            .await;
        self.get(&path, None).await
    }
    async fn status(&self, method: Method, path: &str) -> u16 {
        let r = self.http.request(method, self.url(path)).send().await;
        r.unwrap().status().as_u16()
    }
    async fn text(&self, path: &str) -> String {
        let r = self.http.get(self.url(path)).send().await.unwrap();
        r.text().await.unwrap()
    }
    async fn file_response(&self, key: &str, body: &Value) -> reqwest::Response {
        let r = self.http.post(self.url("/api/v1/registrations"));
        r.header("Idempotency-Key", key)
            .json(body)
            .send()
            .await
            .unwrap()
    }
}

/// The last entry of a registration's history.
pub fn last_event(registration: &Value) -> &Value {
    registration["history"].as_array().unwrap().last().unwrap()
}
