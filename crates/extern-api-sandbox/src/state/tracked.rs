//! A map that remembers which keys changed, so a data directory (`--data-dir`) writes only the
//! docflows, drafts, contents… that changed since it last saved, never the whole store: a
//! million docflows cannot be written again after every request.

use std::borrow::Borrow;
use std::collections::HashSet;
use std::collections::hash_map::{Entry, HashMap};
use std::hash::Hash;

/// A `HashMap` whose changes are noted (when noting is on: with a data directory). Reads go
/// through `Deref`; every way to change it goes through a method here.
#[derive(Debug)]
pub struct Tracked<K, V> {
    map: HashMap<K, V>,
    /// Keys inserted, changed or removed since [`Tracked::take_changed`]; `None` when no one
    /// saves them.
    changed: Option<HashSet<K>>,
}

impl<K, V> Default for Tracked<K, V> {
    fn default() -> Self {
        Self {
            map: HashMap::new(),
            changed: None,
        }
    }
}

impl<K: Hash + Eq + Clone, V> Tracked<K, V> {
    /// Starts noting changes.
    pub fn track(&mut self) {
        self.changed.get_or_insert_with(HashSet::new);
    }

    fn note(&mut self, key: &K) {
        if let Some(changed) = &mut self.changed
            && !changed.contains(key)
        {
            changed.insert(key.clone());
        }
    }

    /// The keys changed since the last call (inserted, changed or removed: a key no longer in
    /// the map was removed).
    pub fn take_changed(&mut self) -> Vec<K> {
        match &mut self.changed {
            Some(changed) => changed.drain().collect(),
            None => Vec::new(),
        }
    }

    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        self.note(&key);
        self.map.insert(key, value)
    }

    pub fn get_mut<Q>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let key = self.map.get_key_value(key)?.0.clone();
        self.note(&key);
        self.map.get_mut(key.borrow())
    }

    pub fn remove<Q>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let (key, value) = self.map.remove_entry(key)?;
        self.note(&key);
        Some(value)
    }

    pub fn entry(&mut self, key: K) -> Entry<'_, K, V> {
        self.note(&key);
        self.map.entry(key)
    }

    /// Fills the map as a data directory kept it, noting nothing.
    pub fn load(&mut self, entries: impl IntoIterator<Item = (K, V)>) {
        self.map.extend(entries);
    }
}

impl<K, V> std::ops::Deref for Tracked<K, V> {
    type Target = HashMap<K, V>;

    fn deref(&self) -> &Self::Target {
        &self.map
    }
}

#[cfg(test)]
mod tests {
    use super::Tracked;

    #[test]
    fn notes_what_changes_once_tracking() {
        let mut map = Tracked::default();
        map.insert(1, "a");
        assert!(map.take_changed().is_empty(), "not tracking yet");
        map.track();
        map.insert(2, "b");
        *map.get_mut(&1).unwrap() = "c";
        assert!(map.get_mut(&9).is_none());
        let mut changed = map.take_changed();
        changed.sort();
        assert_eq!(changed, [1, 2]);
        map.remove(&2);
        assert_eq!(map.take_changed(), [2]);
        assert_eq!(map.len(), 1);
    }
}
