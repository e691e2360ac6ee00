package errs

import (
	"errors"
	"sync"
)

// Some failures come from below sohoi's code, from a database driver, on
// any of the many calls a store makes: a full disk is one. Rather than
// wrap every call, a store adapter registers a classifier that recognises
// its driver's errors by their kind (a result code, a server error code,
// never the message) and names the code; As consults them when an error
// carries no *Error.

var (
	classifiersMu sync.RWMutex
	classifiers   []func(error) *Error
)

// RegisterClassifier adds fn, which returns the *Error a driver error
// stands for, or nil when it does not recognise it. Store adapters call it
// from init.
func RegisterClassifier(fn func(error) *Error) {
	classifiersMu.Lock()
	defer classifiersMu.Unlock()
	classifiers = append(classifiers, fn)
}

// As returns the first *Error in err's chain, or what a registered
// classifier makes of err, or nil.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	classifiersMu.RLock()
	defer classifiersMu.RUnlock()
	for _, fn := range classifiers {
		if e := fn(err); e != nil {
			return e
		}
	}
	return nil
}
