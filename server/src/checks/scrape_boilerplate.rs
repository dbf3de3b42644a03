//! Placeholder until the rule lands.

pub fn find(_text: &str, _published: Option<jiff::civil::Date>) -> Vec<super::TextFinding> {
    Vec::new()
}
