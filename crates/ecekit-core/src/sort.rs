//! Stable sorting through one shared copy of the standard library's sort.
//!
//! `slice::sort_by` is generic: every element type and comparator compiles
//! its own copy, several KB of wasm each. Here only a list of indices is
//! sorted, with the comparison behind a `&dyn Fn`, so every caller shares one
//! copy. The lists ecekit sorts are short (findings, key names, nodes), so
//! the indirection costs nothing noticeable.

use std::cmp::Ordering;

/// Sorts `items` stably by `compare`: the same result as `items.sort_by(compare)`.
pub fn sort_by<T>(items: &mut [T], compare: impl Fn(&T, &T) -> Ordering) {
    let order = stable_order(items.len(), &|a, b| compare(&items[a], &items[b]));
    permute(&order, &mut |a, b| items.swap(a, b));
}

/// Sorts and removes duplicates, like `items.sort(); items.dedup()`.
pub fn sort_dedup<T: Ord>(items: &mut Vec<T>) {
    sort_by(items, T::cmp);
    items.dedup();
}

/// The indices `0..len`, stably sorted by `compare`.
fn stable_order(len: usize, compare: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    order.sort_by(|&a, &b| compare(a, b));
    order
}

/// Moves the item now at `order[k]` to position `k` with `swap`, one cycle
/// of the permutation at a time.
fn permute(order: &[usize], swap: &mut dyn FnMut(usize, usize)) {
    let mut placed = vec![false; order.len()];
    for start in 0..order.len() {
        let mut k = start;
        while !placed[k] {
            placed[k] = true;
            let source = order[k];
            if source == start {
                break;
            }
            swap(k, source);
            k = source;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_like_the_standard_stable_sort() {
        // Every arrangement of a list with ties, compared on the key only.
        let base = [(3, 'a'), (1, 'b'), (3, 'c'), (2, 'd'), (1, 'e'), (0, 'f')];
        let mut seed = 7u32;
        for _ in 0..500 {
            let mut items = base.to_vec();
            for i in (1..items.len()).rev() {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                items.swap(i, (seed >> 16) as usize % (i + 1));
            }
            let mut expected = items.clone();
            expected.sort_by_key(|a| a.0);
            sort_by(&mut items, |a, b| a.0.cmp(&b.0));
            assert_eq!(items, expected);
        }
    }

    #[test]
    fn sort_dedup_matches_sort_then_dedup() {
        let mut items = vec!["b", "a", "c", "a", "b"];
        sort_dedup(&mut items);
        assert_eq!(items, ["a", "b", "c"]);
        let mut empty: Vec<String> = Vec::new();
        sort_dedup(&mut empty);
        assert!(empty.is_empty());
    }
}
