package importjobs

import (
	"bytes"
	"io"
)

// ChunkedFile reads back a job's file that a store keeps in numbered
// chunks: next(n) returns chunk n (from 0), or io.EOF after the last.
// Both stores keep files so (the 16 MB document limit of MongoDB, and
// SQLite's blobs are read whole), and read them through this one reader,
// a chunk at a time.
func ChunkedFile(next func(n int) ([]byte, error)) io.ReadCloser {
	return &chunkReader{next: next}
}

type chunkReader struct {
	next func(n int) ([]byte, error)
	n    int
	cur  bytes.Reader
	err  error
}

func (r *chunkReader) Read(p []byte) (int, error) {
	for r.cur.Len() == 0 {
		if r.err != nil {
			return 0, r.err
		}
		data, err := r.next(r.n)
		if err != nil {
			r.err = err
			return 0, err
		}
		r.n++
		r.cur.Reset(data)
	}
	return r.cur.Read(p)
}

func (r *chunkReader) Close() error { return nil }
