//! [`List`]: the payload of the instructions that hold a few values (`ENV` pairs, `EXPOSE`
//! ports, `COPY` sources, exec-form arguments), kept inline up to a small number of items.
//!
//! Nearly every such list in a real Dockerfile has one to three items. As a `Vec` each one was
//! a heap block of its own, allocated when the builder call ran and freed with the model: at
//! 100 benchmark stages 13 of the ~30 blocks a stage. Inline, those lists cost no allocation
//! and no free, and reading one does not leave the instruction's own memory.
//!
//! Safe Rust (the crate forbids `unsafe`): the unused inline slots hold `T::default()`, which
//! for the model's types ([`Text`], a pair of them, [`Port`]) is a borrowed empty string and
//! never allocates.

use crate::model::text::Text;
use crate::model::values::Port;
use std::borrow::{Borrow, BorrowMut};
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::iter::FusedIterator;
use std::ops::{Deref, DerefMut};

/// A list that keeps up to `N` items inline and moves them to a `Vec` only when it grows
/// longer.
///
/// It is the payload of the instruction variants that hold several values
/// ([`Instruction::Env`](crate::Instruction::Env), [`Command::Exec`](crate::Command::Exec),
/// [`Sources::Paths`](crate::Sources::Paths), ...), through the aliases [`Texts`], [`Pairs`],
/// [`Ports`] and [`Paths`], so a stage's short lists do not each cost a heap block. It reads
/// as a slice (`Deref<Target = [T]>`: `len`, indexing, `iter`, pattern matching through
/// `as_slice`), compares, hashes and prints as one, and serializes as an array (its JSON and
/// YAML are those of a `Vec`). Where an instruction is built by hand, a `Vec` or an array
/// goes in with `.into()`.
///
/// ```
/// use dockerdsl::{Instruction, Texts};
///
/// let volume = Instruction::Volume(["/data"].map(Into::into).into());
/// let Instruction::Volume(paths) = &volume else { unreachable!() };
/// assert_eq!(paths.len(), 1);
/// assert_eq!(paths[0], "/data");
/// assert!(paths.is_inline()); // no heap block for one path
///
/// let mut argv: Texts = vec!["sh".into(), "-c".into()].into();
/// argv.push("echo hi".into());
/// argv.push("--".into()); // a fourth text: the list moves to the heap
/// assert!(!argv.is_inline());
/// assert_eq!(argv, ["sh", "-c", "echo hi", "--"]);
/// assert_eq!(format!("{argv:?}"), r#"["sh", "-c", "echo hi", "--"]"#);
/// ```
pub struct List<T, const N: usize>(Repr<T, N>);

/// Private, so that `len` can never exceed `N` and no user sees the representation.
#[derive(Clone)]
enum Repr<T, const N: usize> {
    /// The first `len` slots are the items; the others hold `T::default()`.
    Inline { len: u8, items: [T; N] },
    /// More than `N` items (or a list that once had more).
    Heap(Vec<T>),
}

/// Texts, up to three inline: exec-form arguments (`CMD`, `ENTRYPOINT`, `RUN`), `RUN` chains
/// and lines, `SHELL` and `VOLUME`.
pub type Texts = List<Text, 3>;

/// `ENV` and `LABEL` key-value pairs, up to two inline.
pub type Pairs = List<(Text, Text), 2>;

/// `EXPOSE` ports, up to two inline.
pub type Ports = List<Port, 2>;

/// `COPY` and `ADD` source paths, one inline (most copies have one source; a second slot
/// would make every instruction larger).
pub type Paths = List<Text, 1>;

impl<T: Default, const N: usize> List<T, N> {
    /// The length fits the `u8` it is kept in.
    const FITS: () = assert!(
        N <= u8::MAX as usize,
        "a List keeps at most 255 items inline"
    );

    /// An empty list (no allocation).
    pub fn new() -> Self {
        let () = Self::FITS;
        List(Repr::Inline {
            len: 0,
            items: std::array::from_fn(|_| T::default()),
        })
    }

    /// Appends an item; past `N` items the list moves to a `Vec`.
    pub fn push(&mut self, item: T) {
        match &mut self.0 {
            Repr::Inline { len, items } => {
                let at = usize::from(*len);
                if let Some(slot) = items.get_mut(at) {
                    *slot = item;
                    *len += 1;
                } else {
                    let mut v = Vec::with_capacity(N.max(2) * 2);
                    v.extend(items.iter_mut().map(std::mem::take));
                    v.push(item);
                    self.0 = Repr::Heap(v);
                }
            }
            Repr::Heap(v) => v.push(item),
        }
    }

    /// Removes the last item and returns it, or `None` when the list is empty.
    pub fn pop(&mut self) -> Option<T> {
        match &mut self.0 {
            Repr::Inline { len, items } => {
                let last = usize::from(*len).checked_sub(1)?;
                *len -= 1;
                items.get_mut(last).map(std::mem::take)
            }
            Repr::Heap(v) => v.pop(),
        }
    }

    /// Removes every item (a heap block, once allocated, is kept).
    pub fn clear(&mut self) {
        match &mut self.0 {
            Repr::Inline { len, items } => {
                items.iter_mut().for_each(|slot| *slot = T::default());
                *len = 0;
            }
            Repr::Heap(v) => v.clear(),
        }
    }

    /// The items as a `Vec` (a new block when they were inline).
    pub fn into_vec(self) -> Vec<T> {
        match self.0 {
            Repr::Inline { len, items } => items.into_iter().take(usize::from(len)).collect(),
            Repr::Heap(v) => v,
        }
    }
}

impl<T, const N: usize> List<T, N> {
    /// The items.
    #[inline]
    pub fn as_slice(&self) -> &[T] {
        self
    }

    /// The items, to change in place.
    #[inline]
    pub fn as_mut_slice(&mut self) -> &mut [T] {
        self
    }

    /// Whether the items are kept inline (no heap block): true while the list has never held
    /// more than `N` items.
    pub fn is_inline(&self) -> bool {
        matches!(self.0, Repr::Inline { .. })
    }
}

impl<T, const N: usize> Deref for List<T, N> {
    type Target = [T];

    #[inline]
    fn deref(&self) -> &[T] {
        match &self.0 {
            // `len <= N` always holds (the representation is private), so this does not panic.
            Repr::Inline { len, items } => &items[..usize::from(*len)],
            Repr::Heap(v) => v,
        }
    }
}

impl<T, const N: usize> DerefMut for List<T, N> {
    #[inline]
    fn deref_mut(&mut self) -> &mut [T] {
        match &mut self.0 {
            Repr::Inline { len, items } => &mut items[..usize::from(*len)],
            Repr::Heap(v) => v,
        }
    }
}

impl<T, const N: usize> AsRef<[T]> for List<T, N> {
    fn as_ref(&self) -> &[T] {
        self
    }
}

impl<T, const N: usize> AsMut<[T]> for List<T, N> {
    fn as_mut(&mut self) -> &mut [T] {
        self
    }
}

// Equality, order and hash are the slice's, so `Borrow<[T]>` holds its promise.
impl<T, const N: usize> Borrow<[T]> for List<T, N> {
    fn borrow(&self) -> &[T] {
        self
    }
}

impl<T, const N: usize> BorrowMut<[T]> for List<T, N> {
    fn borrow_mut(&mut self) -> &mut [T] {
        self
    }
}

impl<T: Clone, const N: usize> Clone for List<T, N> {
    fn clone(&self) -> Self {
        List(self.0.clone())
    }
}

impl<T: Default, const N: usize> Default for List<T, N> {
    fn default() -> Self {
        List::new()
    }
}

impl<T: fmt::Debug, const N: usize> fmt::Debug for List<T, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<T: PartialEq<U>, U, const N: usize, const M: usize> PartialEq<List<U, M>> for List<T, N> {
    fn eq(&self, other: &List<U, M>) -> bool {
        self[..] == other[..]
    }
}

impl<T: Eq, const N: usize> Eq for List<T, N> {}

impl<T: PartialEq<U>, U, const N: usize> PartialEq<[U]> for List<T, N> {
    fn eq(&self, other: &[U]) -> bool {
        self[..] == *other
    }
}

impl<T: PartialEq<U>, U, const N: usize> PartialEq<&[U]> for List<T, N> {
    fn eq(&self, other: &&[U]) -> bool {
        self[..] == **other
    }
}

impl<T: PartialEq<U>, U, const N: usize, const M: usize> PartialEq<[U; M]> for List<T, N> {
    fn eq(&self, other: &[U; M]) -> bool {
        self[..] == other[..]
    }
}

impl<T: PartialEq<U>, U, const N: usize> PartialEq<Vec<U>> for List<T, N> {
    fn eq(&self, other: &Vec<U>) -> bool {
        self[..] == other[..]
    }
}

impl<T: PartialEq<U>, U, const N: usize> PartialEq<List<U, N>> for Vec<T> {
    fn eq(&self, other: &List<U, N>) -> bool {
        self[..] == other[..]
    }
}

impl<T: PartialEq<U>, U, const N: usize> PartialEq<List<U, N>> for [T] {
    fn eq(&self, other: &List<U, N>) -> bool {
        *self == other[..]
    }
}

impl<T: PartialOrd, const N: usize> PartialOrd for List<T, N> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        self[..].partial_cmp(&other[..])
    }
}

impl<T: Ord, const N: usize> Ord for List<T, N> {
    fn cmp(&self, other: &Self) -> Ordering {
        self[..].cmp(&other[..])
    }
}

impl<T: Hash, const N: usize> Hash for List<T, N> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self[..].hash(state);
    }
}

/// Up to `N` items are moved inline and the `Vec`'s block is freed; a longer `Vec` is kept.
impl<T: Default, const N: usize> From<Vec<T>> for List<T, N> {
    fn from(v: Vec<T>) -> Self {
        if v.len() <= N {
            v.into_iter().collect()
        } else {
            List(Repr::Heap(v))
        }
    }
}

impl<T: Default, const N: usize, const M: usize> From<[T; M]> for List<T, N> {
    #[inline]
    fn from(array: [T; M]) -> Self {
        let () = Self::FITS;
        if M <= N {
            let mut items = array.into_iter();
            List(Repr::Inline {
                // M <= N <= u8::MAX (FITS), so the cast keeps the value.
                len: M as u8,
                items: std::array::from_fn(|_| items.next().unwrap_or_default()),
            })
        } else {
            List(Repr::Heap(Vec::from(array)))
        }
    }
}

impl<T: Clone + Default, const N: usize> From<&[T]> for List<T, N> {
    fn from(items: &[T]) -> Self {
        items.iter().cloned().collect()
    }
}

impl<T: Default, const N: usize> From<List<T, N>> for Vec<T> {
    fn from(list: List<T, N>) -> Self {
        list.into_vec()
    }
}

impl<T: Default, const N: usize> FromIterator<T> for List<T, N> {
    #[inline]
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let () = Self::FITS;
        // The first `N` items go straight into their slots; one more moves them to a `Vec`.
        let mut iter = iter.into_iter();
        let mut len = 0u8;
        let mut ended = false;
        let items: [T; N] = std::array::from_fn(|_| {
            if !ended {
                if let Some(item) = iter.next() {
                    len += 1;
                    return item;
                }
                ended = true;
            }
            T::default()
        });
        if !ended {
            if let Some(next) = iter.next() {
                let mut v = Vec::with_capacity(N + 1 + iter.size_hint().0);
                v.extend(items);
                v.push(next);
                v.extend(iter);
                return List(Repr::Heap(v));
            }
        }
        List(Repr::Inline { len, items })
    }
}

impl<T: Default, const N: usize> Extend<T> for List<T, N> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, iter: I) {
        for item in iter {
            self.push(item);
        }
    }
}

impl<'a, T: Clone + Default + 'a, const N: usize> Extend<&'a T> for List<T, N> {
    fn extend<I: IntoIterator<Item = &'a T>>(&mut self, iter: I) {
        self.extend(iter.into_iter().cloned());
    }
}

impl<T, const N: usize> IntoIterator for List<T, N> {
    type Item = T;
    type IntoIter = ListIntoIter<T, N>;

    fn into_iter(self) -> ListIntoIter<T, N> {
        ListIntoIter(match self.0 {
            Repr::Inline { len, items } => IterRepr::Inline(items.into_iter().take(len.into())),
            Repr::Heap(v) => IterRepr::Heap(v.into_iter()),
        })
    }
}

impl<'a, T, const N: usize> IntoIterator for &'a List<T, N> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<'a, T, const N: usize> IntoIterator for &'a mut List<T, N> {
    type Item = &'a mut T;
    type IntoIter = std::slice::IterMut<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter_mut()
    }
}

/// The items of a [`List`], by value (`list.into_iter()`); inline items are not copied to
/// the heap on the way out.
#[derive(Clone, Debug)]
pub struct ListIntoIter<T, const N: usize>(IterRepr<T, N>);

#[derive(Clone, Debug)]
enum IterRepr<T, const N: usize> {
    Inline(std::iter::Take<std::array::IntoIter<T, N>>),
    Heap(std::vec::IntoIter<T>),
}

impl<T, const N: usize> Iterator for ListIntoIter<T, N> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        match &mut self.0 {
            IterRepr::Inline(it) => it.next(),
            IterRepr::Heap(it) => it.next(),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match &self.0 {
            IterRepr::Inline(it) => it.size_hint(),
            IterRepr::Heap(it) => it.size_hint(),
        }
    }
}

impl<T, const N: usize> DoubleEndedIterator for ListIntoIter<T, N> {
    fn next_back(&mut self) -> Option<T> {
        match &mut self.0 {
            IterRepr::Inline(it) => it.next_back(),
            IterRepr::Heap(it) => it.next_back(),
        }
    }
}

impl<T, const N: usize> ExactSizeIterator for ListIntoIter<T, N> {}

impl<T, const N: usize> FusedIterator for ListIntoIter<T, N> {}

/// As a sequence, exactly as a `Vec<T>`.
#[cfg(feature = "serde")]
impl<T: serde::Serialize, const N: usize> serde::Serialize for List<T, N> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self[..].serialize(serializer)
    }
}

/// From a sequence, exactly as a `Vec<T>`.
#[cfg(feature = "serde")]
impl<'de, T: serde::Deserialize<'de> + Default, const N: usize> serde::Deserialize<'de>
    for List<T, N>
{
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Vec::<T>::deserialize(deserializer).map(List::from)
    }
}

/// The schema of an array of `T`, as `Vec<T>`'s (the checked-in schema is unchanged by
/// `List`).
#[cfg(feature = "schemars")]
impl<T: schemars::JsonSchema, const N: usize> schemars::JsonSchema for List<T, N> {
    fn inline_schema() -> bool {
        <Vec<T> as schemars::JsonSchema>::inline_schema()
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        <Vec<T> as schemars::JsonSchema>::schema_name()
    }

    fn schema_id() -> std::borrow::Cow<'static, str> {
        <Vec<T> as schemars::JsonSchema>::schema_id()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        <Vec<T> as schemars::JsonSchema>::json_schema(generator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_up_to_n_then_heap() {
        let mut list: List<Text, 2> = List::new();
        assert!(list.is_empty() && list.is_inline());
        list.push("a".into());
        list.push("b".into());
        assert!(list.is_inline());
        list.push("c".into());
        assert!(!list.is_inline());
        assert_eq!(list, ["a", "b", "c"]);
        assert_eq!(list.pop(), Some(Text::from("c")));
        assert_eq!(list, vec![Text::from("a"), Text::from("b")]);
    }

    #[test]
    fn representation_does_not_show() {
        let inline: Texts = vec![Text::from("a"), "b".into()].into();
        let mut heap: Texts = ["a", "b", "c", "d"].map(Text::from).into();
        heap.pop();
        heap.pop();
        assert!(inline.is_inline() && !heap.is_inline());
        assert_eq!(inline, heap);
        assert_eq!(format!("{inline:?}"), format!("{heap:?}"));
        let hash = |l: &Texts| {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            l.hash(&mut h);
            h.finish()
        };
        assert_eq!(hash(&inline), hash(&heap));
        assert_eq!(inline.cmp(&heap), Ordering::Equal);
    }

    #[test]
    fn conversions_keep_order() {
        for n in 0..6 {
            let v: Vec<u32> = (0..n).collect();
            let from_vec: List<u32, 3> = v.clone().into();
            let collected: List<u32, 3> = v.iter().copied().collect();
            let mut extended: List<u32, 3> = List::new();
            extended.extend(v.iter());
            assert_eq!(from_vec.is_inline(), n <= 3);
            assert_eq!(from_vec, v);
            assert_eq!(collected, v);
            assert_eq!(extended, v);
            assert_eq!(from_vec.clone().into_iter().collect::<Vec<_>>(), v);
            assert_eq!(from_vec.into_iter().rev().count(), v.len());
            assert_eq!(Vec::from(collected), v);
        }
        let from_array: List<u32, 1> = [1, 2].into();
        assert_eq!(from_array, [1, 2]);
    }

    #[test]
    fn a_vacant_slot_does_not_allocate() {
        // The slots of every list in the model are filled with this.
        assert_eq!(Text::default().into_string().capacity(), 0);
        let (key, value) = <(Text, Text)>::default();
        assert_eq!(
            key.into_string().capacity() + value.into_string().capacity(),
            0
        );
        assert_eq!(Port::default().as_variable(), None);
    }
}
