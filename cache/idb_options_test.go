package cache

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestIDBOptions(t *testing.T) {
	tests := []struct {
		name    string
		o       IDBOptions
		wantErr string
	}{
		{"valid", IDBOptions{Options: Options{AppVersion: "1"}, DBName: DefaultDBName}, ""},
		{"empty DBName", IDBOptions{Options: Options{AppVersion: "1"}}, "DBName is empty"},
		{"negative OpTimeout", IDBOptions{Options: Options{AppVersion: "1"}, DBName: "x", OpTimeout: -1}, "OpTimeout -1ns is negative"},
		{"bad base options", IDBOptions{Options: Options{TTL: -1}, DBName: "x"}, "AppVersion is empty"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.o.withDefaults()
			if tc.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, DefaultOpTimeout, got.OpTimeout)
			assert.Equal(t, DefaultTTL, got.TTL)
			assert.NotNil(t, got.Now)
		})
	}
	o, err := IDBOptions{Options: Options{AppVersion: "1", TTL: time.Minute}, DBName: "x", OpTimeout: time.Second}.withDefaults()
	require.NoError(t, err)
	assert.Equal(t, time.Second, o.OpTimeout)
	assert.Equal(t, time.Minute, o.TTL)
}
