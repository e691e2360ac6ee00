package app

import (
	"context"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/rollups"
)

// The application metrics a province office charts, next to the HTTP
// metrics of internal/httpapi. The domain packages know nothing of
// Prometheus: member changes and counter marks are seen by wrapping the
// stores the services write through, background jobs by the rollups'
// JobObserver. Every label value comes from a closed set.
type appMetrics struct {
	memberChanges *prometheus.CounterVec
	settleLag     prometheus.Histogram
	jobRuns       *prometheus.CounterVec
	jobSeconds    *prometheus.HistogramVec

	mu      sync.Mutex
	pending map[string]time.Time // unit → when its live tally was first marked stale and not yet settled
}

// Background jobs that internal/app runs itself.
const (
	jobPurgeRefreshTokens   = "purge_refresh_tokens"
	jobPurgeIdempotencyKeys = "purge_idempotency_keys"
)

func newAppMetrics(reg prometheus.Registerer) *appMetrics {
	m := &appMetrics{
		memberChanges: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sohoi_member_changes_total",
			Help: "Changes stored to member records, by kind: joined (created), updated, transferred, left, died.",
		}, []string{"change"}),
		settleLag: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "sohoi_counter_settle_lag_seconds",
			Help:    "Time from a change marking a unit's counters stale to the counters being settled.",
			Buckets: []float64{.01, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300},
		}),
		jobRuns: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sohoi_background_job_runs_total",
			Help: "Runs of background jobs (settle_counters, close_month, purge_refresh_tokens) by outcome (ok, failed).",
		}, []string{"job", "outcome"}),
		jobSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "sohoi_background_job_duration_seconds", Help: "Duration of background job runs.",
			Buckets: []float64{.01, .1, .5, 1, 5, 30, 120, 600},
		}, []string{"job"}),
		pending: map[string]time.Time{},
	}
	for _, c := range []members.EventType{members.Joined, members.Updated, members.Transferred, members.LeftEvent, members.Died} {
		m.memberChanges.WithLabelValues(string(c))
	}
	for _, j := range []string{rollups.JobSettleCounters, rollups.JobCloseMonth, jobPurgeRefreshTokens, jobPurgeIdempotencyKeys} {
		m.jobRuns.WithLabelValues(j, "ok")
		m.jobRuns.WithLabelValues(j, "failed")
	}
	pendingUnits := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "sohoi_counter_pending_units",
		Help: "Units whose live counters this instance marked stale and has not settled yet.",
	}, func() float64 {
		m.mu.Lock()
		defer m.mu.Unlock()
		return float64(len(m.pending))
	})
	reg.MustRegister(m.memberChanges, m.settleLag, m.jobRuns, m.jobSeconds, pendingUnits)
	return m
}

// jobRan is a rollups.JobObserver.
func (m *appMetrics) jobRan(job string, took time.Duration, err error) {
	outcome := "ok"
	if err != nil {
		outcome = "failed"
	}
	m.jobRuns.WithLabelValues(job, outcome).Inc()
	m.jobSeconds.WithLabelValues(job).Observe(took.Seconds())
}

// memberStore counts the member changes that were stored.
type memberStore struct {
	members.Store
	m *appMetrics
}

func (s memberStore) CreateMember(ctx context.Context, mem *members.Member, ev *members.Event) error {
	err := s.Store.CreateMember(ctx, mem, ev)
	if err == nil {
		s.m.memberChanges.WithLabelValues(string(members.Joined)).Inc()
	}
	return err
}

func (s memberStore) UpdateMember(ctx context.Context, mem *members.Member, ev *members.Event) error {
	err := s.Store.UpdateMember(ctx, mem, ev)
	if err == nil {
		switch ev.Type {
		case members.Updated, members.Transferred, members.LeftEvent, members.Died:
			s.m.memberChanges.WithLabelValues(string(ev.Type)).Inc()
		}
	}
	return err
}

func (s memberStore) MoveMember(ctx context.Context, prev, mem *members.Member, ev *members.Event) error {
	err := s.Store.MoveMember(ctx, prev, mem, ev)
	if err == nil {
		s.m.memberChanges.WithLabelValues(string(ev.Type)).Inc()
	}
	return err
}

func (s memberStore) CreateMembers(ctx context.Context, ms []*members.Member, evs []*members.Event) error {
	err := s.Store.CreateMembers(ctx, ms, evs)
	if err == nil {
		s.m.memberChanges.WithLabelValues(string(members.Joined)).Add(float64(len(ms)))
	}
	return err
}

func (s memberStore) UpdateMembers(ctx context.Context, ms []*members.Member, evs []*members.Event) error {
	err := s.Store.UpdateMembers(ctx, ms, evs)
	if err == nil {
		s.m.memberChanges.WithLabelValues(string(members.Updated)).Add(float64(len(ms)))
	}
	return err
}

// counterStore times each unit's live tally from its first stale mark to
// the clearing of its marks by the settler (reads never clear marks).
type counterStore struct {
	rollups.Store
	m *appMetrics
}

func (s counterStore) MarkStale(ctx context.Context, marks []rollups.Mark) ([]rollups.Mark, error) {
	out, err := s.Store.MarkStale(ctx, marks)
	if err == nil {
		now := time.Now()
		s.m.mu.Lock()
		for _, mk := range marks {
			if _, ok := s.m.pending[mk.UnitID]; !ok && mk.Day == "" {
				s.m.pending[mk.UnitID] = now
			}
		}
		s.m.mu.Unlock()
	}
	return out, err
}

func (s counterStore) ClearMarks(ctx context.Context, marks []rollups.Mark) error {
	err := s.Store.ClearMarks(ctx, marks)
	if err != nil {
		return err
	}
	now := time.Now()
	s.m.mu.Lock()
	defer s.m.mu.Unlock()
	for _, mk := range marks {
		if mk.Day != "" {
			continue
		}
		if since, ok := s.m.pending[mk.UnitID]; ok {
			delete(s.m.pending, mk.UnitID)
			s.m.settleLag.Observe(now.Sub(since).Seconds())
		}
	}
	return nil
}
