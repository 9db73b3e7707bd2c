//! Disclosure control for everything that leaves Indsats: small cells are suppressed, and so are
//! enough other cells that no suppressed value can be worked out from what is published.
//!
//! A table of counts is published with its row totals, column totals and grand total. Seen as the
//! (R+1)×(C+1) table in which every row and every column balances (the margins on the far side),
//! the hidden entries are edges of a bipartite graph between rows and columns. A hidden value can
//! be worked out exactly from the published ones **iff its edge is a bridge** of that graph: it is
//! then the only unknown linking two parts whose sums are known. So:
//! 1. *primary*: every cell and total with 0 < count < threshold is hidden (threshold 5 by default,
//!    never below 3);
//! 2. *complementary*: while some hidden entry is a bridge, the cheapest path of published entries
//!    that closes a cycle through it is hidden too. Cost is the count, so small numbers go first.
//!    Zeros are avoided as complements: a hidden zero protects nothing from someone who can guess it.
//!
//! The tests check the result with an independent method: Gaussian elimination over the published
//! equations.

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

/// One column of counts published with its total (a table's column, rows being initiatives or
/// types): every count with 0 < count < threshold is hidden, and when that hides exactly one, the
/// smallest other non-zero count is hidden too, so that the total minus the published counts
/// never gives a hidden one away. (The general [`protect`] does the same for a one-column table,
/// at a cost that grows with the square of the rows; this is linear.)
/// A published column: its cells, its total, and how many entries were hidden (primary, complementary).
pub type ProtectedColumn = (Vec<Option<u64>>, Option<u64>, usize, usize);

pub fn protect_column(values: &[u64], threshold: u64) -> Result<ProtectedColumn, DisclosureError> {
    if threshold < MIN_THRESHOLD {
        return Err(DisclosureError::ThresholdTooLow(threshold));
    }
    let total: u64 = values.iter().sum();
    let sensitive = |v: u64| v > 0 && v < threshold;
    let mut hidden: Vec<bool> = values.iter().map(|v| sensitive(*v)).collect();
    let primary = hidden.iter().filter(|h| **h).count();
    let mut complementary = 0;
    let total_hidden = sensitive(total);
    if primary == 1 && !total_hidden {
        let pick = values.iter().enumerate().filter(|(i, v)| !hidden[*i] && **v > 0).min_by_key(|(i, v)| (**v, *i)).map(|(i, _)| i);
        if let Some(i) = pick {
            hidden[i] = true;
            complementary = 1;
        }
    }
    let cells = values.iter().zip(&hidden).map(|(v, h)| (!h).then_some(*v)).collect();
    Ok((cells, (!total_hidden).then_some(total), primary + usize::from(total_hidden), complementary))
}

#[cfg(test)]
mod column_tests {
    use super::*;

    #[test]
    fn a_single_hidden_count_takes_a_second_one_with_it() {
        let (cells, total, p, c) = protect_column(&[2, 10, 7, 0, 30], 5).unwrap();
        assert_eq!(cells, vec![None, Some(10), None, Some(0), Some(30)]);
        assert_eq!((total, p, c), (Some(49), 1, 1));
        let (cells, _, p, c) = protect_column(&[2, 3, 40], 5).unwrap();
        assert_eq!((cells, p, c), (vec![None, None, Some(40)], 2, 0));
        let (cells, total, ..) = protect_column(&[1, 2], 5).unwrap();
        assert_eq!((cells, total), (vec![None, None], None));
        assert!(protect_column(&[1], 2).is_err());
    }
}
