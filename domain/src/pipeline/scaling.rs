//! How many workers a queue should have, from its backlog: one pure policy, used by the Swarm
//! autoscaler (replicas of a worker service) and by a single worker sizing its own concurrency.
//! Up quickly (a flood should not wait), down slowly (a short lull should not send workers away
//! just before the next batch), and never twice within a cooldown, so it does not flap.

use std::time::Duration;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScalePolicy {
    pub min: u32,
    pub max: u32,
    /// Backlog one worker is expected to keep up with; each further this-many asks for another.
    pub jobs_per_worker: u64,
    /// Fewer workers must have been enough for this long before any are removed.
    pub scale_down_delay: Duration,
    /// No change within this long of the previous one.
    pub cooldown: Duration,
}

/// What the policy remembers between readings. Times are offsets from any fixed origin (the
/// caller's clock), so traces can be replayed in tests.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScaleState {
    pub workers: u32,
    last_change: Option<Duration>,
    fewer_enough_since: Option<Duration>,
}

impl ScaleState {
    pub fn new(workers: u32) -> Self {
        ScaleState { workers, ..Default::default() }
    }
}

impl ScalePolicy {
    /// The workers this backlog calls for, within [min, max].
    pub fn wanted(&self, backlog: u64) -> u32 {
        let per_worker = self.jobs_per_worker.max(1);
        let wanted = backlog.div_ceil(per_worker).min(u64::from(u32::MAX)) as u32;
        wanted.clamp(self.min, self.max.max(self.min))
    }

    /// Takes one reading of the backlog at `now`; returns the new number of workers when it
    /// changes (and records it in `state`).
    pub fn decide(&self, state: &mut ScaleState, backlog: u64, now: Duration) -> Option<u32> {
        let wanted = self.wanted(backlog);
        let cooled = state.last_change.is_none_or(|at| now.saturating_sub(at) >= self.cooldown);
        let outside_bounds = state.workers < self.min || state.workers > self.max.max(self.min);
        let target = if wanted > state.workers {
            state.fewer_enough_since = None;
            (cooled || outside_bounds).then_some(wanted)
        } else if wanted < state.workers {
            let since = *state.fewer_enough_since.get_or_insert(now);
            (outside_bounds || (cooled && now.saturating_sub(since) >= self.scale_down_delay)).then_some(wanted)
        } else {
            state.fewer_enough_since = None;
            None
        }?;
        state.workers = target;
        state.last_change = Some(now);
        state.fewer_enough_since = None;
        Some(target)
    }
}

/// A Swarm service the autoscaler sizes: its replicas follow the summed backlog of its queues.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScaledService {
    pub service: String,
    pub queues: Vec<super::QueueName>,
    pub min: u32,
    pub max: u32,
}

/// Parses SCALE_SERVICES: `SERVICE=QUEUE[+QUEUE]:MIN-MAX`, comma-separated, e.g.
/// `dam_worker-video=video:1-4,dam_worker-image=image+document:1-3`.
pub fn parse_scaled_services(text: &str) -> Result<Vec<ScaledService>, String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|entry| {
            let bad = |why: &str| format!("{entry:?}: {why} (expected SERVICE=QUEUE[+QUEUE]:MIN-MAX)");
            let (service, rest) = entry.split_once('=').ok_or_else(|| bad("no ="))?;
            let (queues, bounds) = rest.split_once(':').ok_or_else(|| bad("no :MIN-MAX"))?;
            let (min, max) = bounds.split_once('-').ok_or_else(|| bad("bounds are MIN-MAX"))?;
            let (min, max): (u32, u32) = (
                min.trim().parse().map_err(|_| bad("MIN is not a number"))?,
                max.trim().parse().map_err(|_| bad("MAX is not a number"))?,
            );
            let queues = queues
                .split('+')
                .map(|q| super::QueueName::parse(q.trim()).ok_or_else(|| bad("queues are image, video, document")))
                .collect::<Result<Vec<_>, _>>()?;
            if service.trim().is_empty() || max == 0 || min > max {
                return Err(bad("needs a service name and 0 ≤ MIN ≤ MAX, MAX ≥ 1"));
            }
            Ok(ScaledService { service: service.trim().to_owned(), queues, min, max })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> ScalePolicy {
        ScalePolicy {
            min: 1,
            max: 6,
            jobs_per_worker: 10,
            scale_down_delay: Duration::from_secs(60),
            cooldown: Duration::from_secs(20),
        }
    }

    /// Replays backlog readings taken every `step` seconds; returns the workers after each.
    fn replay(policy: &ScalePolicy, start: u32, step: u64, backlog: &[u64]) -> Vec<u32> {
        let mut state = ScaleState::new(start);
        backlog
            .iter()
            .enumerate()
            .map(|(i, &b)| {
                policy.decide(&mut state, b, Duration::from_secs(i as u64 * step));
                state.workers
            })
            .collect()
    }

    #[test]
    fn the_backlog_asks_for_one_worker_per_share_within_bounds() {
        let p = policy();
        assert_eq!([0, 1, 10, 11, 35, 60, 10_000].map(|b| p.wanted(b)), [1, 1, 1, 2, 4, 6, 6]);
    }

    #[test]
    fn a_flood_scales_up_at_once_and_a_drain_scales_down_after_the_delay() {
        // Readings every 10 s: idle, a flood of 500, draining, idle again.
        let trace = [0, 500, 500, 400, 300, 200, 100, 40, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        let workers = replay(&policy(), 1, 10, &trace);
        assert_eq!(workers[1], 6, "straight to the maximum");
        // Still busy while the backlog needs them all (until 100 at t=60 s wants 10 → capped 6).
        assert!(workers[..7].iter().skip(1).all(|&w| w == 6), "{workers:?}");
        // From t=70 s fewer suffice (40 → 4, then 0 → 1); they go only 60 s later, straight to what is wanted then.
        assert_eq!(&workers[7..13], [6, 6, 6, 6, 6, 6], "{workers:?}");
        assert_eq!(workers[13], 1, "{workers:?}");
        assert_eq!(*workers.last().unwrap(), 1);
    }

    #[test]
    fn a_short_lull_does_not_send_workers_away() {
        // Busy, a 30 s lull (shorter than the 60 s delay), busy again.
        let trace = [300, 300, 0, 0, 0, 300, 300, 0, 0, 0, 300];
        let workers = replay(&policy(), 1, 10, &trace);
        assert!(workers.iter().all(|&w| w == 6), "{workers:?}");
    }

    #[test]
    fn changes_wait_for_the_cooldown() {
        // A backlog growing every 5 s: raises are at least 20 s apart.
        let trace: Vec<u64> = (0..12).map(|i| i * 6).collect();
        let mut state = ScaleState::new(1);
        let mut changes = Vec::new();
        for (i, &b) in trace.iter().enumerate() {
            let now = Duration::from_secs(i as u64 * 5);
            if let Some(w) = policy().decide(&mut state, b, now) {
                changes.push((now.as_secs(), w));
            }
        }
        assert!(changes.windows(2).all(|w| w[1].0 - w[0].0 >= 20), "{changes:?}");
        assert_eq!(changes.last().map(|c| c.1), Some(policy().wanted(*trace.last().unwrap())), "{changes:?}");
    }

    #[test]
    fn workers_outside_the_bounds_are_brought_back_at_once() {
        let p = policy();
        let mut state = ScaleState { workers: 9, last_change: Some(Duration::ZERO), fewer_enough_since: None };
        assert_eq!(p.decide(&mut state, 1000, Duration::from_secs(1)), Some(6));
        let mut state = ScaleState { workers: 0, last_change: Some(Duration::ZERO), fewer_enough_since: None };
        assert_eq!(p.decide(&mut state, 0, Duration::from_secs(1)), Some(1));
    }

    #[test]
    fn any_trace_stays_within_bounds_and_never_changes_inside_the_cooldown() {
        // A deterministic pseudo-random walk of the backlog.
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut backlog = 0i64;
        let mut state = ScaleState::new(3);
        let mut last_change: Option<u64> = None;
        let p = policy();
        for t in 0..5_000u64 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            backlog = (backlog + (seed % 41) as i64 - 20).clamp(0, 400);
            if p.decide(&mut state, backlog as u64, Duration::from_secs(t)).is_some() {
                assert!(last_change.is_none_or(|at| t - at >= 20), "changed at {t} after {last_change:?}");
                last_change = Some(t);
            }
            assert!((p.min..=p.max).contains(&state.workers));
        }
    }

    #[test]
    fn scaled_services_are_read_from_one_setting() {
        use super::super::QueueName;
        let parsed = parse_scaled_services("dam_worker-video=video:1-4, dam_worker-image=image+document:0-3").unwrap();
        assert_eq!(
            parsed,
            [
                ScaledService { service: "dam_worker-video".into(), queues: vec![QueueName::Video], min: 1, max: 4 },
                ScaledService {
                    service: "dam_worker-image".into(),
                    queues: vec![QueueName::Image, QueueName::Document],
                    min: 0,
                    max: 3
                },
            ]
        );
        assert_eq!(parse_scaled_services("").unwrap(), []);
        for bad in ["worker=video", "worker=audio:1-2", "worker=video:3-1", "=video:1-2", "worker=video:1-x"] {
            assert!(parse_scaled_services(bad).is_err(), "{bad} is refused");
        }
    }
}
