package main

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLatencyFlag(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Duration
		wantErr bool
	}{
		{"0", 0, false},
		{"2s", 2 * time.Second, false},
		{"2000", 2 * time.Second, false},
		{"150ms", 150 * time.Millisecond, false},
		{"0.5", 500 * time.Microsecond, false},
		{"-1", 0, true},
		{"-2s", 0, true},
		{"slow", 0, true},
		{"", 0, true},
		{"NaN", 0, true},
		{"Inf", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			var d msDuration
			err := d.Set(tt.in)
			if tt.wantErr {
				assert.Error(t, err, "Set(%q)", tt.in)
				return
			}
			require.NoError(t, err, "Set(%q)", tt.in)
			assert.Equal(t, tt.want, time.Duration(d), "Set(%q)", tt.in)
		})
	}
}

func TestRunRejectsBadArguments(t *testing.T) {
	tests := map[string][]string{
		"unknown flag":      {"-nope"},
		"negative latency":  {"-latency", "-5"},
		"extra argument":    {"serve"},
		"unlistenable addr": {"-addr", "256.0.0.1:0"},
	}
	for name, args := range tests {
		t.Run(name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(args, &stdout, &stderr)
			assert.Error(t, err)
			assert.Empty(t, stdout.String(), "no URL printed")
		})
	}
}
