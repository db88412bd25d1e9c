//! DOM side.
