package importjobs

import (
	"context"
	"log/slog"
	"time"

	"github.com/sohoi/sohoi/internal/errs"
)

// pollEvery is how often the runner looks for queued jobs when nobody
// woke it (a job queued by another instance sharing the store), and for
// running jobs whose runner died.
const pollEvery = 5 * time.Second

// leaseFor is how long a running job stays with its runner after the
// last batch it recorded: several times a batch (a few seconds), and
// what a restarted server waits at most before it resumes the job it was
// running when it died.
const leaseFor = 30 * time.Second

// Start runs jobs in the background, one at a time, until the returned
// stop: first the jobs left running by a stop or a crash (resumed after
// their last committed batch), then queued ones, oldest first, as they
// come. stop waits for the job under way to reach the end of a batch; it
// stays running and is resumed on the next start.
func (s *Service) Start(log *slog.Logger) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.drain(ctx, log, Running)
		t := time.NewTicker(pollEvery)
		defer t.Stop()
		for ctx.Err() == nil {
			s.drain(ctx, log, Running) // those whose runner died
			s.drain(ctx, log, Queued)
			select {
			case <-ctx.Done():
			case <-s.wake:
			case <-t.C:
			}
		}
	}()
	return func() { cancel(); <-done }
}

// drain runs the jobs in status st until there are none it may take or
// ctx ends. A job is taken by a compare-and-swap of its version that sets
// its lease, so that of two instances sharing a store one runs it; a
// running job whose lease has not run out belongs to another instance.
func (s *Service) drain(ctx context.Context, log *slog.Logger, st Status) {
	tried := map[string]bool{} // a job that failed to finish is not retried in a loop
	for ctx.Err() == nil {
		js, err := s.jobs.ImportJobsWithStatus(ctx, st, 20)
		if err != nil {
			if ctx.Err() == nil {
				log.WarnContext(ctx, "listing import jobs failed", "job status", st, "err", err)
			}
			return
		}
		var j *Job
		for _, c := range js {
			if !tried[c.ID] && (st == Queued || !c.LeaseUntil.After(s.now())) {
				j = c
				break
			}
		}
		if j == nil {
			return
		}
		tried[j.ID] = true
		if st == Queued {
			j.Status = Running
			j.StartedAt = s.now().UTC()
		}
		if err := s.save(ctx, j); errs.Is(err, errs.VersionMismatch) { // save sets the lease
			continue // taken by another instance
		} else if err != nil {
			log.WarnContext(ctx, "taking an import job failed", "job", j.ID, "err", err)
			return
		}
		if err := s.Execute(ctx, j); err != nil && ctx.Err() == nil {
			log.WarnContext(ctx, "an import job failed", "job", j.ID, "err", err)
		}
	}
}
