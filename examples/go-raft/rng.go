package main

// Rng is the node's only source of randomness: SplitMix64, seeded from the protocol's seed.
// It never reads a clock, so one seed gives one sequence of election timeouts.
type Rng struct{ state uint64 }

// NewRng mixes the seed with the node's life (its last persist seq at start), so that a restarted
// node does not replay the timeouts of its previous life.
func NewRng(seed uint32, life int64) *Rng {
	return &Rng{state: uint64(seed)*0x9E3779B97F4A7C15 ^ uint64(life)*0xBF58476D1CE4E5B9 ^ 0x94D049BB133111EB}
}

func (r *Rng) next() uint64 {
	r.state += 0x9E3779B97F4A7C15
	z := r.state
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

// Between returns a uniform integer in [lo, hi).
func (r *Rng) Between(lo, hi int) int {
	return lo + int(r.next()%uint64(hi-lo))
}
