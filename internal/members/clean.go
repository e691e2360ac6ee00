package members

import "github.com/sohoi/sohoi/internal/civil"

// Clean normalises in (NFC, spaces, phone digits) and validates it exactly
// as a create does, for callers that check records before they reach the
// service: an import shows every row's errors before it writes anything.
func (in *Input) Clean(today civil.Date) error { return in.clean(today) }
