//! Small deterministic sampling helpers for `seed`.

use rand::Rng;

/// Repeated weighted choice over indexes (cumulative weights + binary search).
pub struct Weighted {
    cum: Vec<f64>,
}

impl Weighted {
    pub fn new(weights: impl IntoIterator<Item = f64>) -> Weighted {
        let mut acc = 0.0;
        let cum = weights
            .into_iter()
            .map(|w| {
                acc += w.max(0.0);
                acc
            })
            .collect();
        Weighted { cum }
    }

    /// Zipf-like weights `1 / (rank + offset)^s` for ranks 1..=n.
    pub fn zipf(n: usize, s: f64, offset: f64) -> Weighted {
        Weighted::new(zipf_weights(n, s, offset))
    }

    pub fn pick(&self, rng: &mut impl Rng) -> usize {
        let total = self.cum.last().copied().unwrap_or(0.0);
        let x = rng.gen::<f64>() * total;
        self.cum
            .partition_point(|&c| c <= x)
            .min(self.cum.len().saturating_sub(1))
    }
}

/// Zipf-like weights `1 / (rank + offset)^s` for ranks 1..=n.
pub fn zipf_weights(n: usize, s: f64, offset: f64) -> Vec<f64> {
    (1..=n).map(|r| 1.0 / (r as f64 + offset).powf(s)).collect()
}

/// A random (version 4) UUID drawn from `rng`, so the dataset is reproducible.
pub fn uuid(rng: &mut impl Rng) -> String {
    uuid::Builder::from_random_bytes(rng.gen())
        .into_uuid()
        .hyphenated()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn weighted_follows_weights() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        let w = Weighted::new([1.0, 0.0, 3.0]);
        let mut counts = [0; 3];
        for _ in 0..4000 {
            counts[w.pick(&mut rng)] += 1;
        }
        assert_eq!(counts[1], 0);
        assert!(counts[2] > counts[0] * 2, "{counts:?}");
        let a = uuid(&mut rand::rngs::StdRng::seed_from_u64(7));
        let b = uuid(&mut rand::rngs::StdRng::seed_from_u64(7));
        assert_eq!(a, b);
        assert_eq!(a.len(), 36);
    }
}
