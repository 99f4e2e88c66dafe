//! todo
pub fn run(_i: &str, _o: &std::path::Path) -> anyhow::Result<()> {
    todo!()
}
