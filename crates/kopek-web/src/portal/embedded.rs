//! The templates, translations and assets compiled into the binary by
//! `build.rs`, as (name, text) pairs.

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
