//! One router per resource.

pub mod assess;
pub mod meta;
pub mod pages;
pub mod receipts;
pub mod registrations;
pub mod statics;
pub mod uploads;
