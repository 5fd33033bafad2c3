//! The transports: one module per way players reach a table (the console,
//! Discord, the radio), each turning its messages into the router's
//! commands and its answers back into messages.
//!
//! A transport imports [`crate::config`], [`crate::ops`], [`crate::core`]
//! and the shared [`text`], never another transport or a command. A new
//! one (a web page) is a new module here.

pub mod console;
pub mod discord;
pub mod radio;
pub mod text;
pub mod web;
