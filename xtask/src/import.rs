//! todo
pub fn run(_i: &std::path::Path, _o: &std::path::Path) -> anyhow::Result<()> {
    todo!()
}
