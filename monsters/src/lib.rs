//! Monster turns for Distributed Dungeon: scoring of the legal options the
//! rules engine lists, the deterministic tactician, and the LLM planners
//! (Gemini, OpenAI-compatible) with their prompts.
//!
//! This crate is filled in by the monster-turn work; it builds on `rules` and `dm`.

pub use dm;
