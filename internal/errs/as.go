// Package errs holds errors.As without reflection: errors.As checks
// assignability through internal/reflectlite, which costs the wasm module
// about 9 KB (brotli); a type parameter does the same check at compile time.
package errs

// As reports whether an error in err's tree (err, then what Unwrap returns,
// depth first, as errors.As walks it) is a T, and returns the first one.
func As[T error](err error) (T, bool) {
	var zero T
	for err != nil {
		if t, ok := err.(T); ok {
			return t, true
		}
		switch u := err.(type) {
		case interface{ Unwrap() error }:
			err = u.Unwrap()
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				if t, ok := As[T](e); ok {
					return t, true
				}
			}
			return zero, false
		default:
			return zero, false
		}
	}
	return zero, false
}

// Into is As in errors.As's calling convention: it sets *target and reports
// whether an error in err's tree is a T.
func Into[T error](err error, target *T) bool {
	t, ok := As[T](err)
	if ok {
		*target = t
	}
	return ok
}
