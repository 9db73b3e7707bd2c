//! The property the management summary relies on: no suppressed value can be worked out from the
//! published cells and totals. Checked independently of the algorithm, by Gaussian elimination:
//! an unknown is determined iff its unit vector lies in the row space of the published equations.

// Matrix code: index loops read more clearly here than iterator chains.
#![allow(clippy::needless_range_loop)]

use indsats_report::disclosure::{Protected, protect};
use proptest::prelude::*;

/// The equations the published table gives: each row and each column of the extended table
/// (cells, then the row total on the right, the column totals below) balances. Unknowns are the
/// hidden entries; returns the coefficient matrix over the unknowns.
fn equations(p: &Protected) -> (Vec<Vec<f64>>, usize) {
    let rows = p.cells.len();
    let cols = p.cells[0].len();
    let entry = |r: usize, c: usize| -> Option<u64> {
        match (r == rows, c == cols) {
            (false, false) => p.cells[r][c],
            (false, true) => p.row_totals[r],
            (true, false) => p.col_totals[c],
            (true, true) => p.total,
        }
    };
    let mut index = vec![vec![usize::MAX; cols + 1]; rows + 1];
    let mut n = 0;
    for r in 0..=rows {
        for c in 0..=cols {
            if entry(r, c).is_none() {
                index[r][c] = n;
                n += 1;
            }
        }
    }
    let mut eqs = Vec::new();
    for r in 0..=rows {
        let mut e = vec![0.0; n];
        for c in 0..=cols {
            if index[r][c] != usize::MAX {
                e[index[r][c]] = if c == cols { -1.0 } else { 1.0 };
            }
        }
        eqs.push(e);
    }
    for c in 0..=cols {
        let mut e = vec![0.0; n];
        for r in 0..=rows {
            if index[r][c] != usize::MAX {
                e[index[r][c]] = if r == rows { -1.0 } else { 1.0 };
            }
        }
        eqs.push(e);
    }
    (eqs, n)
}

fn rank(mut m: Vec<Vec<f64>>) -> usize {
    let cols = m.first().map_or(0, Vec::len);
    let mut rank = 0;
    for c in 0..cols {
        let Some(p) = (rank..m.len()).find(|&r| m[r][c].abs() > 1e-9) else { continue };
        m.swap(rank, p);
        let pivot = m[rank][c];
        for r in 0..m.len() {
            if r != rank && m[r][c].abs() > 1e-9 {
                let f = m[r][c] / pivot;
                for k in 0..cols {
                    m[r][k] -= f * m[rank][k];
                }
            }
        }
        rank += 1;
    }
    rank
}

fn determined_unknowns(p: &Protected) -> Vec<usize> {
    let (eqs, n) = equations(p);
    let base = rank(eqs.clone());
    (0..n)
        .filter(|&i| {
            let mut with = eqs.clone();
            let mut unit = vec![0.0; n];
            unit[i] = 1.0;
            with.push(unit);
            rank(with) == base
        })
        .collect()
}

fn table() -> impl Strategy<Value = Vec<Vec<u64>>> {
    (2usize..6, 2usize..6).prop_flat_map(|(r, c)| {
        proptest::collection::vec(proptest::collection::vec(prop_oneof![3 => 0u64..5, 5 => 5u64..60, 1 => Just(0u64)], c), r)
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn no_suppressed_value_can_be_recovered_from_the_published_totals(cells in table(), threshold in 3u64..8) {
        let p = protect(&cells, threshold).unwrap();
        // Every small count is hidden, cells and totals alike.
        for (r, row) in cells.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                if *v > 0 && *v < threshold {
                    prop_assert_eq!(p.cells[r][c], None);
                }
                if let Some(shown) = p.cells[r][c] {
                    prop_assert_eq!(shown, *v, "published values are the true ones");
                }
            }
        }
        let row_sums: Vec<u64> = cells.iter().map(|r| r.iter().sum()).collect();
        for (r, s) in row_sums.iter().enumerate() {
            if *s > 0 && *s < threshold {
                prop_assert_eq!(p.row_totals[r], None);
            }
        }
        // And none of what is hidden can be worked out.
        prop_assert!(determined_unknowns(&p).is_empty(), "determinable hidden entries in {:?} → {:?}", cells, p);
    }
}

#[test]
fn the_checker_itself_finds_a_lone_hidden_cell() {
    // A published table with one hidden cell: that cell is determined by its row.
    let p = Protected {
        cells: vec![vec![None, Some(10)], vec![Some(7), Some(12)]],
        row_totals: vec![Some(13), Some(19)],
        col_totals: vec![Some(10), Some(22)],
        total: Some(32),
        primary: 1,
        complementary: 0,
    };
    assert_eq!(determined_unknowns(&p), vec![0]);
}
