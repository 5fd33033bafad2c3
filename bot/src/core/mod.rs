//! The service core: the router every command goes through, the bus that
//! shares tables between processes, the store that keeps their logs, the
//! monsters' turns and the choice of their planner.
//!
//! Imports [`crate::config`] and [`crate::ops`], never a transport or a
//! command.

pub mod bus;
pub mod game;
pub mod narrator;
pub mod planner;
pub mod replay;
pub mod router;
pub mod store;
pub mod turns;
