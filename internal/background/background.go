// Package background marks the work of background jobs (the settler, the
// month close) in their context, so that a store can serve it apart from
// requests. On the embedded store reads wait for one of a few pooled
// connections: under 32 clients the settler's hundreds of small reads per
// batch each waited behind the requests, and figures lagged writes by
// seconds (README, "Load test"). A store that has no such queue ignores
// the mark.
package background

import "context"

type key struct{}

// With returns ctx marked as a background job's.
func With(ctx context.Context) context.Context { return context.WithValue(ctx, key{}, true) }

// Is reports whether ctx is a background job's.
func Is(ctx context.Context) bool {
	b, _ := ctx.Value(key{}).(bool)
	return b
}
