package errs

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

type codeErr struct{ code int }

func (e *codeErr) Error() string { return fmt.Sprint("code ", e.code) }

// As agrees with errors.As on chains, joins and misses.
func TestAsAgreesWithErrorsAs(t *testing.T) {
	target := &codeErr{7}
	tests := map[string]error{
		"nil":            nil,
		"itself":         target,
		"wrapped twice":  fmt.Errorf("a: %w", fmt.Errorf("b: %w", target)),
		"in a join":      errors.Join(errors.New("x"), fmt.Errorf("y: %w", target)),
		"multi %w":       fmt.Errorf("%w and %w", errors.New("x"), target),
		"absent":         fmt.Errorf("a: %w", errors.New("b")),
		"absent in join": errors.Join(errors.New("x"), errors.New("y")),
	}
	for name, err := range tests {
		var want *codeErr
		wantOK := errors.As(err, &want)
		got, ok := As[*codeErr](err)
		assert.Equal(t, wantOK, ok, name)
		assert.Equal(t, want, got, name)
	}
}
