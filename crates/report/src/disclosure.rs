//! Disclosure control for everything that leaves Indsats: small cells are suppressed, and so are
//! enough other cells that no suppressed value can be worked out, or narrowed down, from what is
//! published.
//!
//! Two tools:
//! - [`protect_tree`] is what the management summary uses: counts published in a two-level
//!   hierarchy (initiatives under their types under the total; months under their period), every
//!   position a vector of counts published or hidden together. It guarantees that a small hidden
//!   count can lie anywhere in an interval at least the threshold wide, as far as linear reasoning
//!   over everything published can tell; `tests/attacker.rs` checks the summary built on it with
//!   a linear-programming solver.
//! - [`protect`] is for a two-way table published with its margins. There a hidden entry can be
//!   worked out exactly **iff its edge is a bridge** of the bipartite graph of hidden entries
//!   (rows and columns as nodes), so: primary suppression of every count with 0 < count <
//!   threshold, then, while some hidden entry is a bridge, the cheapest path of published entries
//!   that closes a cycle through it is hidden too (cost is the count, so small numbers go first;
//!   zeros are avoided: a hidden zero protects nothing from someone who can guess it). It
//!   protects against exact recovery only; `tests/disclosure.rs` checks it by Gaussian
//!   elimination.
//!
//! The threshold is 5 by default and never below 3 (domain.md).

use std::collections::BinaryHeap;

/// The smallest threshold Indsats accepts (domain.md: never under 3).
pub const MIN_THRESHOLD: u64 = 3;
/// The default threshold: cells under 5 persons are suppressed.
pub const DEFAULT_THRESHOLD: u64 = 5;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DisclosureError {
    #[error("the suppression threshold must be at least {MIN_THRESHOLD}, got {0}")]
    ThresholdTooLow(u64),
    #[error("a table needs at least one row and one column, and rows of equal length")]
    Shape,
}

/// A table as it may be published: `None` is a suppressed entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Protected {
    pub cells: Vec<Vec<Option<u64>>>,
    pub row_totals: Vec<Option<u64>>,
    pub col_totals: Vec<Option<u64>>,
    pub total: Option<u64>,
    pub primary: usize,
    pub complementary: usize,
}

/// Suppresses `cells` (rows × columns of counts) for publication with its margins.
pub fn protect(cells: &[Vec<u64>], threshold: u64) -> Result<Protected, DisclosureError> {
    if threshold < MIN_THRESHOLD {
        return Err(DisclosureError::ThresholdTooLow(threshold));
    }
    let rows = cells.len();
    let cols = cells.first().map_or(0, Vec::len);
    if rows == 0 || cols == 0 || cells.iter().any(|r| r.len() != cols) {
        return Err(DisclosureError::Shape);
    }
    // The extended table: index `rows` is the column-totals row, `cols` the row-totals column.
    let mut ext = vec![vec![0u64; cols + 1]; rows + 1];
    for r in 0..rows {
        for c in 0..cols {
            ext[r][c] = cells[r][c];
            ext[r][cols] += cells[r][c];
            ext[rows][c] += cells[r][c];
            ext[rows][cols] += cells[r][c];
        }
    }
    let sensitive = |v: u64| v > 0 && v < threshold;
    let mut hidden = vec![vec![false; cols + 1]; rows + 1];
    let mut primary = 0;
    for r in 0..=rows {
        for c in 0..=cols {
            if sensitive(ext[r][c]) {
                hidden[r][c] = true;
                primary += 1;
            }
        }
    }
    let mut complementary = 0;
    while let Some((br, bc)) = find_bridge(&hidden) {
        let path = cheapest_cycle_path(&ext, &hidden, br, bc);
        if path.is_empty() {
            // Nothing left to hide but the whole line: hide it (never reached for tables ≥ 2×2).
            for h in hidden[br].iter_mut().filter(|h| !**h) {
                *h = true;
                complementary += 1;
            }
            continue;
        }
        for (r, c) in path {
            if !hidden[r][c] {
                hidden[r][c] = true;
                complementary += 1;
            }
        }
    }
    let pick = |r: usize, c: usize| (!hidden[r][c]).then_some(ext[r][c]);
    Ok(Protected {
        cells: (0..rows).map(|r| (0..cols).map(|c| pick(r, c)).collect()).collect(),
        row_totals: (0..rows).map(|r| pick(r, cols)).collect(),
        col_totals: (0..cols).map(|c| pick(rows, c)).collect(),
        total: pick(rows, cols),
        primary,
        complementary,
    })
}

/// A hidden entry that is a bridge of the hidden-entries graph, if any (Tarjan's bridges on the
/// bipartite graph: row nodes 0..R, column nodes R..R+C).
fn find_bridge(hidden: &[Vec<bool>]) -> Option<(usize, usize)> {
    let (nr, nc) = (hidden.len(), hidden[0].len());
    let n = nr + nc;
    let mut adj: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n]; // (neighbour, edge id)
    let mut edges = Vec::new();
    for (r, row) in hidden.iter().enumerate() {
        for (c, h) in row.iter().enumerate() {
            if *h {
                let e = edges.len();
                edges.push((r, c));
                adj[r].push((nr + c, e));
                adj[nr + c].push((r, e));
            }
        }
    }
    let mut disc = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut time = 0;
    for start in 0..n {
        if disc[start] != usize::MAX || adj[start].is_empty() {
            continue;
        }
        // Iterative DFS: (node, parent edge, next neighbour index).
        let mut stack = vec![(start, usize::MAX, 0usize)];
        disc[start] = time;
        low[start] = time;
        time += 1;
        while let Some(&mut (u, pe, ref mut i)) = stack.last_mut() {
            if *i < adj[u].len() {
                let (v, e) = adj[u][*i];
                *i += 1;
                if e == pe {
                    continue;
                }
                if disc[v] == usize::MAX {
                    disc[v] = time;
                    low[v] = time;
                    time += 1;
                    stack.push((v, e, 0));
                } else {
                    low[u] = low[u].min(disc[v]);
                }
            } else {
                stack.pop();
                if let Some(&(p, _, _)) = stack.last() {
                    low[p] = low[p].min(low[u]);
                    if low[u] > disc[p] {
                        return Some(edges[pe]);
                    }
                }
            }
        }
    }
    None
}

/// The cheapest set of published entries that, hidden, puts the hidden entry (br, bc) on a
/// cycle: a shortest path from row `br` to column `bc` not using that entry, where hidden
/// entries cost nothing, published ones their count, and zeros a great deal.
fn cheapest_cycle_path(ext: &[Vec<u64>], hidden: &[Vec<bool>], br: usize, bc: usize) -> Vec<(usize, usize)> {
    let (nr, nc) = (ext.len(), ext[0].len());
    let n = nr + nc;
    let cost = |r: usize, c: usize| -> u64 {
        if hidden[r][c] {
            0
        } else if ext[r][c] == 0 {
            1_000_000_000
        } else {
            ext[r][c]
        }
    };
    let mut dist = vec![u64::MAX; n];
    let mut prev: Vec<Option<usize>> = vec![None; n];
    let mut heap = BinaryHeap::new();
    dist[br] = 0;
    heap.push(std::cmp::Reverse((0u64, br)));
    while let Some(std::cmp::Reverse((d, u))) = heap.pop() {
        if d > dist[u] {
            continue;
        }
        let neighbours: Vec<(usize, usize, usize)> =
            if u < nr { (0..nc).map(|c| (nr + c, u, c)).collect() } else { (0..nr).map(|r| (r, r, u - nr)).collect() };
        for (v, r, c) in neighbours {
            if (r, c) == (br, bc) {
                continue;
            }
            let nd = d.saturating_add(cost(r, c));
            if nd < dist[v] {
                dist[v] = nd;
                prev[v] = Some(u);
                heap.push(std::cmp::Reverse((nd, v)));
            }
        }
    }
    let target = nr + bc;
    if dist[target] == u64::MAX {
        return Vec::new();
    }
    let mut path = Vec::new();
    let mut v = target;
    while let Some(u) = prev[v] {
        let (r, c) = if u < nr { (u, v - nr) } else { (v, u - nr) };
        path.push((r, c));
        v = u;
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_cell_is_hidden_with_enough_others_that_it_cannot_be_worked_out() {
        let t = protect(&[vec![20, 3, 15], vec![12, 30, 9], vec![8, 7, 25]], 5).unwrap();
        assert_eq!(t.cells[0][1], None);
        assert_eq!(t.primary, 1);
        assert!(t.complementary >= 3, "{t:?}");
        // Every line holding a hidden entry holds at least two.
        for r in 0..3 {
            let n = t.cells[r].iter().filter(|x| x.is_none()).count() + usize::from(t.row_totals[r].is_none());
            assert!(n == 0 || n >= 2, "{t:?}");
        }
        assert_eq!(t.total, Some(129));
    }

    #[test]
    fn nothing_small_means_nothing_hidden_and_thresholds_under_3_are_refused() {
        let t = protect(&[vec![10, 0], vec![7, 12]], 5).unwrap();
        assert_eq!((t.primary, t.complementary), (0, 0));
        assert_eq!(t.cells[0][1], Some(0), "zeros are published");
        assert_eq!(protect(&[vec![1]], 2), Err(DisclosureError::ThresholdTooLow(2)));
        assert_eq!(protect(&[], 5), Err(DisclosureError::Shape));
    }
}

// ---- Linked tables: what the management summary publishes -------------------------------------

/// Whether a count is hidden for itself: some persons, but fewer than the threshold. Zero is
/// published: it names no one.
pub fn is_small(count: u64, threshold: u64) -> bool {
    count > 0 && count < threshold
}

/// Whether a position with these counts is hidden by primary suppression: any of them is small.
pub fn is_primary(counts: &[u64], threshold: u64) -> bool {
    counts.iter().any(|c| is_small(*c, threshold))
}

/// Which positions of a [`protect_tree`] hierarchy are published (`false`) or hidden (`true`),
/// with the groups' and the root's counts, summed from the leaves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeProtection {
    pub leaves: Vec<bool>,
    pub groups: Vec<bool>,
    pub root: bool,
    pub group_counts: Vec<Vec<u64>>,
    pub root_counts: Vec<u64>,
}

/// Disclosure control for counts published in a two-level hierarchy, as the summary publishes
/// them: each leaf (an initiative, a month) is in one group (its type; a period's months are one
/// group), each group's counts are the sum of its leaves', and the root's (the total; the period)
/// the sum of the groups'. Every position carries one vector of counts that is published or hidden
/// as a whole: everything one row of a table says about the same persons (a share's numerator and
/// those outside it, for every share over the same persons; a mean with how many it is a mean of).
/// With one group, the group is the root itself.
///
/// Primary suppression hides every position with a small count (and the root when `force_root`:
/// a rule of the caller, such as few distinct persons behind it). Complementary suppression then
/// hides the cheapest further positions until these hold, for every count `q` of the vector:
/// 1. a group that is published hides none of its leaves or at least two, and the leaves it hides
///    hold at least `threshold` of `q` if one of them is small in `q`, and at least 1 if any holds
///    some `q`;
/// 2. when the root is published, the hidden groups are none or at least two, each hides at least
///    one of its leaves, and the leaves they hide hold at least `threshold` of `q` if any hidden
///    group or leaf there is small in `q`, and at least 1 if any holds some `q`;
/// 3. when the root is hidden, some group is hidden, and each hidden group hides one of its leaves.
///
/// Why that is enough: moving a hidden leaf's whole vector onto another hidden leaf of the same
/// pool (a published group's hidden leaves; or, under a published root, all hidden leaves of the
/// hidden groups) changes no published number and keeps every relation that holds within each
/// vector. So each hidden leaf may hold anything from 0 to its pool's sum of `q`, and a hidden group
/// anything from what its published leaves hold to that plus the pool's sum; under a hidden root
/// there is no upper bound at all. `crates/report/tests/attacker.rs` checks the summary built on it
/// with a linear-programming solver.
///
/// Deterministic: the cheapest position is the one with the smallest count of what is short (or
/// the smallest counts, when a second hidden position is what is missing), ties going to the
/// lower index. Zero positions are never hidden as complements: they protect nothing.
pub fn protect_tree(
    leaves: &[Vec<u64>],
    group: &[usize],
    groups: usize,
    force_root: bool,
    threshold: u64,
) -> Result<TreeProtection, DisclosureError> {
    if threshold < MIN_THRESHOLD {
        return Err(DisclosureError::ThresholdTooLow(threshold));
    }
    let width = leaves.first().map_or(0, Vec::len);
    if group.len() != leaves.len() || leaves.iter().any(|l| l.len() != width) || group.iter().any(|g| *g >= groups) {
        return Err(DisclosureError::Shape);
    }
    let mut members = vec![Vec::new(); groups];
    for (i, g) in group.iter().enumerate() {
        members[*g].push(i);
    }
    let mut group_counts = vec![vec![0u64; width]; groups];
    for (l, g) in leaves.iter().zip(group) {
        add(&mut group_counts[*g], l);
    }
    let mut root_counts = vec![0u64; width];
    for g in &group_counts {
        add(&mut root_counts, g);
    }
    let mut h = Hierarchy {
        leaves,
        members: &members,
        group_counts: &group_counts,
        threshold,
        width,
        leaf: leaves.iter().map(|l| is_primary(l, threshold)).collect(),
        group: group_counts.iter().map(|g| is_primary(g, threshold)).collect(),
        root: force_root || is_primary(&root_counts, threshold),
    };
    // Each step only hides, so this ends; usually after two rounds.
    loop {
        let mut changed = false;
        for k in 0..groups {
            changed |= h.close_group(k);
        }
        changed |= if h.root { h.under_hidden_root() } else { h.open_groups() };
        if !changed {
            break;
        }
    }
    Ok(TreeProtection { leaves: h.leaf, groups: h.group, root: h.root, group_counts, root_counts })
}

fn add(acc: &mut [u64], v: &[u64]) {
    for (a, x) in acc.iter_mut().zip(v) {
        *a += x;
    }
}

struct Hierarchy<'a> {
    leaves: &'a [Vec<u64>],
    members: &'a [Vec<usize>],
    group_counts: &'a [Vec<u64>],
    threshold: u64,
    width: usize,
    leaf: Vec<bool>,
    group: Vec<bool>,
    root: bool,
}

impl Hierarchy<'_> {
    /// The first count whose hidden leaves hold less than the hidden positions need (`leaves` are
    /// summed; `leaves` and `groups` both raise the need), if any.
    fn short(&self, leaves: &[usize], groups: &[usize]) -> Option<usize> {
        let mut sum = vec![0u64; self.width];
        let mut need = vec![0u64; self.width];
        let mut raise = |counts: &[u64]| {
            for (n, &v) in need.iter_mut().zip(counts) {
                *n = (*n).max(if is_small(v, self.threshold) { self.threshold } else { u64::from(v > 0) });
            }
        };
        for &i in leaves {
            add(&mut sum, &self.leaves[i]);
            raise(&self.leaves[i]);
        }
        for &k in groups {
            raise(&self.group_counts[k]);
        }
        (0..self.width).find(|&q| sum[q] < need[q])
    }

    /// Rule 1 for a published group `k`.
    fn close_group(&mut self, k: usize) -> bool {
        let mut changed = false;
        while !self.group[k] {
            let hidden: Vec<usize> = self.members[k].iter().copied().filter(|&i| self.leaf[i]).collect();
            if hidden.is_empty() {
                break;
            }
            let by = if hidden.len() < 2 {
                None
            } else {
                match self.short(&hidden, &[]) {
                    None => break,
                    short => short,
                }
            };
            changed = true;
            let published = self.members[k].iter().copied().filter(|&i| !self.leaf[i]).map(|i| (i, &self.leaves[i][..]));
            match cheapest(published, by) {
                Some(i) => self.leaf[i] = true,
                // Nothing left in the group to hide: hiding the group itself opens it to rule 2.
                None => self.group[k] = true,
            }
        }
        changed
    }

    /// Rule 2: the hidden groups under a published root.
    fn open_groups(&mut self) -> bool {
        let mut changed = false;
        while !self.root {
            let open: Vec<usize> = (0..self.group.len()).filter(|&k| self.group[k]).collect();
            if open.is_empty() {
                break;
            }
            // A hidden group none of whose leaves is hidden is the sum of its published leaves.
            if let Some(&k) = open.iter().find(|&&k| !self.members[k].iter().any(|&i| self.leaf[i])) {
                match cheapest(self.published_leaves(&[k]), None) {
                    Some(i) => self.leaf[i] = true,
                    None => self.root = true,
                }
                changed = true;
                continue;
            }
            // A single hidden group is the root minus the published groups.
            if open.len() < 2 {
                match cheapest(self.published_groups(), None) {
                    Some(k) => self.group[k] = true,
                    None => self.root = true,
                }
                changed = true;
                continue;
            }
            let hidden: Vec<usize> = open.iter().flat_map(|&k| self.members[k].iter().copied()).filter(|&i| self.leaf[i]).collect();
            let Some(q) = self.short(&hidden, &open) else { break };
            if let Some(i) = cheapest(self.published_leaves(&open), Some(q)) {
                self.leaf[i] = true;
            } else if let Some(k) = cheapest(self.published_groups(), Some(q)) {
                self.group[k] = true;
            } else {
                self.root = true;
            }
            changed = true;
        }
        changed
    }

    /// Rule 3: under a hidden root.
    fn under_hidden_root(&mut self) -> bool {
        let mut changed = false;
        loop {
            let open: Vec<usize> = (0..self.group.len()).filter(|&k| self.group[k]).collect();
            if open.is_empty() {
                match cheapest(self.published_groups(), None) {
                    Some(k) => {
                        self.group[k] = true;
                        changed = true;
                        continue;
                    }
                    // Nothing but zeros: nothing to protect.
                    None => return changed,
                }
            }
            let bare = open.iter().copied().find(|&k| !self.members[k].iter().any(|&i| self.leaf[i]));
            let Some(k) = bare else { return changed };
            match cheapest(self.published_leaves(&[k]), None) {
                Some(i) => {
                    self.leaf[i] = true;
                    changed = true;
                }
                // A hidden group of zeros only.
                None => return changed,
            }
        }
    }

    fn published_leaves<'s>(&'s self, groups: &'s [usize]) -> impl Iterator<Item = (usize, &'s [u64])> + 's {
        groups.iter().flat_map(|&k| self.members[k].iter().copied()).filter(|&i| !self.leaf[i]).map(|i| (i, &self.leaves[i][..]))
    }

    fn published_groups(&self) -> impl Iterator<Item = (usize, &[u64])> + '_ {
        (0..self.group.len()).filter(|&k| !self.group[k]).map(|k| (k, &self.group_counts[k][..]))
    }
}

/// The cheapest candidate: with some of count `by` (or any count), the smallest such count (or
/// sum of counts), then the lowest index.
fn cheapest<'a>(candidates: impl Iterator<Item = (usize, &'a [u64])>, by: Option<usize>) -> Option<usize> {
    candidates
        .filter_map(|(i, c)| {
            let size: u64 = c.iter().sum();
            let key = match by {
                Some(q) => c.get(q).copied().unwrap_or(0),
                None => size,
            };
            (key > 0).then_some((key, size, i))
        })
        .min()
        .map(|(_, _, i)| i)
}

#[cfg(test)]
mod tree_tests {
    use super::*;

    fn one(v: &[u64]) -> Vec<Vec<u64>> {
        v.iter().map(|x| vec![*x]).collect()
    }

    #[test]
    fn a_small_initiative_takes_a_sibling_with_it_so_its_type_gives_nothing_away() {
        // The leak of the old rule: 4 hidden, 13 shown, their type 17 shown.
        let t = protect_tree(&one(&[4, 13, 30, 40]), &[0, 0, 1, 1], 2, false, 5).unwrap();
        assert_eq!(t.leaves, vec![true, true, false, false]);
        assert_eq!((t.groups.clone(), t.root), (vec![false, false], false));
        assert_eq!(t.group_counts, vec![vec![17], vec![70]]);
    }

    #[test]
    fn two_small_counts_are_not_enough_when_together_they_are_small() {
        // 1 + 2 = 3 hidden would bound each to at most 3: a third count joins them.
        let t = protect_tree(&one(&[1, 2, 50, 0]), &[0, 0, 0, 0], 1, false, 5).unwrap();
        assert_eq!(t.leaves, vec![true, true, true, false], "zeros are never complements");
        assert!(!t.root);
    }

    #[test]
    fn a_type_of_one_initiative_is_hidden_with_another_type() {
        let t = protect_tree(&one(&[3, 20, 30]), &[0, 1, 1], 2, false, 5).unwrap();
        assert_eq!(t.groups, vec![true, true], "one hidden type would be the total minus the other");
        assert_eq!(t.leaves, vec![true, true, false], "the second type hides a leaf, or it is the sum of its shown ones");
        assert!(!t.root);
    }

    #[test]
    fn a_hidden_period_hides_a_month_and_a_small_total_hides_everything() {
        // One group is the root itself (months and their period).
        let t = protect_tree(&one(&[10, 12, 8]), &[0, 0, 0], 1, true, 5).unwrap();
        assert!(t.root && t.groups[0]);
        assert_eq!(t.leaves, vec![false, false, true]);
        let t = protect_tree(&one(&[1, 0, 2]), &[0, 0, 1], 2, false, 5).unwrap();
        assert!(t.root);
        assert_eq!(t.leaves, vec![true, false, true]);
        assert_eq!(t.groups, vec![true, true]);
    }

    #[test]
    fn every_count_of_a_vector_is_protected() {
        // A share: (numerator, outside it). The second leaf has few outside it; the smallest
        // other row joins it, and together they hold 11 outside, enough.
        let leaves = vec![vec![40, 40], vec![30, 2], vec![5, 9], vec![100, 50]];
        let t = protect_tree(&leaves, &[0, 0, 0, 0], 1, false, 5).unwrap();
        assert_eq!(t.leaves, vec![false, true, true, false]);
        assert_eq!(t.root_counts, vec![175, 101]);
    }

    #[test]
    fn it_refuses_low_thresholds_and_bad_shapes() {
        assert_eq!(protect_tree(&one(&[1]), &[0], 1, false, 2), Err(DisclosureError::ThresholdTooLow(2)));
        assert_eq!(protect_tree(&one(&[1]), &[1], 1, false, 5), Err(DisclosureError::Shape));
        assert_eq!(protect_tree(&[vec![1], vec![1, 2]], &[0, 0], 1, false, 5), Err(DisclosureError::Shape));
        let empty = protect_tree(&[], &[], 0, false, 5).unwrap();
        assert!(!empty.root);
    }
}
