package rollups

// Option configures a Service as NewService builds it: nothing is attached
// afterwards, so a service in use never changes under its callers.
type Option func(*Service)

// WithMovements answers past days from ms, for a store that NewService
// sees only through a wrapper (one that counts metrics, for instance) and
// so cannot find to be a MovementStore itself.
func WithMovements(ms MovementStore) Option { return func(s *Service) { s.moves = ms } }

// WithJobObserver tells o how each run of a background job went.
func WithJobObserver(o JobObserver) Option { return func(s *Service) { s.jobs = o } }

// WithPastDayLimits bounds past-day computations (zero values: defaults).
func WithPastDayLimits(l PastDayLimits) Option {
	return func(s *Service) {
		p := newPastDays(l)
		p.onWork = s.past.onWork
		s.past = p
	}
}
