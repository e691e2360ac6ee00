package rollups

import "time"

// Background jobs of the service, as JobObserver names them.
const (
	JobSettleCounters = "settle_counters"
	JobCloseMonth     = "close_month"
)

// JobObserver hears how each run of a background job went (internal/app
// counts them for /metrics; this package knows nothing of Prometheus).
type JobObserver func(job string, took time.Duration, err error)

// ran reports a run of job that started at start.
func (s *Service) ran(job string, start time.Time, err error) {
	if s.jobs != nil {
		s.jobs(job, time.Since(start), err)
	}
}
