package errs

// SwapMissed is the error of a compare-and-swap (an update guarded by the
// version read before it) that matched nothing: either the record is gone
// or someone changed it first. Every store asks stored for the version the
// record is at now, an error (NotFound when it is gone) if it cannot say,
// and gets the same answer for the same state: one rule, not one per
// adapter.
func SwapMissed(kind, id string, want int, stored func() (version int, err error)) error {
	v, err := stored()
	if err != nil {
		return err
	}
	return E(VersionMismatch, "%s %s is at version %d, not %d", kind, id, v, want)
}
