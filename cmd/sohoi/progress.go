package main

import (
	"fmt"
	"io"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progress shows how far a long job has come: a bar when w is a terminal
// (a person is watching), plain lines otherwise (logs, pipes, tests), so
// that a redirected run is not filled with carriage returns.
type progress interface {
	// Set says how many items are done.
	Set(done int)
	// Done ends the display.
	Done()
}

// newProgress shows progress over total items (total < 0: unknown) named
// by what ("members", "units"), described by job.
func newProgress(w io.Writer, job, what string, total int) progress {
	if isTerminal(w) {
		bar := progressbar.NewOptions(total,
			progressbar.OptionSetWriter(w),
			progressbar.OptionSetDescription(job),
			progressbar.OptionSetItsString(what),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetWidth(30),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionShowElapsedTimeOnFinish(),
			progressbar.OptionOnCompletion(func() { fmt.Fprintln(w) }),
		)
		return &barProgress{bar: bar}
	}
	return &lineProgress{w: w, job: job, what: what, total: total, printed: -1}
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(interface{ Fd() uintptr })
	return ok && term.IsTerminal(int(f.Fd()))
}

type barProgress struct{ bar *progressbar.ProgressBar }

func (p *barProgress) Set(done int) { _ = p.bar.Set(done) }
func (p *barProgress) Done()        { _ = p.bar.Finish() }

// lineProgress writes a line at every tenth of a known total, or every
// lineEvery items of an unknown one: few enough lines for a log, and the
// same lines on every run, which tests rely on.
type lineProgress struct {
	w          io.Writer
	job, what  string
	total      int
	done, said int // items done; the last step a line was written for
	printed    int // the figure of the last line written
}

const lineEvery = 1000

func (p *lineProgress) step(done int) int {
	if p.total > 0 {
		return done * 10 / p.total
	}
	return done / lineEvery
}

func (p *lineProgress) Set(done int) {
	p.done = done
	if s := p.step(done); s > p.said {
		p.said = s
		p.line()
	}
}

func (p *lineProgress) line() {
	p.printed = p.done
	if p.total > 0 {
		fmt.Fprintf(p.w, "%s: %d of %d %s (%d%%)\n", p.job, p.done, p.total, p.what, p.done*100/p.total)
		return
	}
	fmt.Fprintf(p.w, "%s: %d %s\n", p.job, p.done, p.what)
}

// Done writes the last figure unless the line for it is written already.
func (p *lineProgress) Done() {
	if p.printed != p.done {
		p.line()
	}
}
