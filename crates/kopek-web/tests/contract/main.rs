//! The API's contract checked with the tools a provider's developers use
//! (OPS-3): the served OpenAPI document passes an OpenAPI 3.1 validator;
//! schemathesis, generating requests from the document against a live
//! server on each backend, finds no server error, no status the document
//! does not declare and no answer that breaks its schema; and a client
//! generated from the document tops a balance up and orders with it. The
//! tools are Python programs `.ci/run` installs into
//! `target/contract-tools` (or where `KOPEK_CONTRACT_TOOLS` says); a test
//! binary of its own, since these runs take minutes.

#[path = "../web/common/mod.rs"]
mod common;
mod conformance;
mod generated_client;
mod tools;
mod validator;
