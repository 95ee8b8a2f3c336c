package cache

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// Key derives the storage key of a response from its namespace, request
// method and URL, and returns the normalized URL with it.
//
// The key reads "<len(namespace)>:<namespace>|<METHOD>|<normalized URL>". The
// length prefix makes the namespace unambiguous whatever characters it holds
// ('|' and ':' included), so two namespaces never share a key. The method is
// upper-cased; "" means GET. See NormalizeURL for the URL rules.
func Key(namespace, method, rawURL string) (key, normalizedURL string, err error) {
	u, err := NormalizeURL(rawURL)
	if err != nil {
		return "", "", err
	}
	m := strings.ToUpper(strings.TrimSpace(method))
	if m == "" {
		m = "GET"
	}
	if strings.ContainsAny(m, "| \t\r\n") {
		return "", "", fmt.Errorf("cache: key: invalid method %q", method)
	}
	return strconv.Itoa(len(namespace)) + ":" + namespace + "|" + m + "|" + u, u, nil
}

// NormalizeURL returns the form of an absolute http(s) URL that keys are built
// from: scheme and host lower-cased, the default port (:80 for http, :443 for
// https) dropped, the fragment dropped, an empty path turned into "/". The
// query is kept verbatim, parameter order included, since servers may treat
// differently ordered queries as different resources. A relative URL, another
// scheme, a missing host or a URL that does not parse is a *URLError.
func NormalizeURL(rawURL string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil {
		return "", &URLError{URL: rawURL, Err: err}
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" {
		return "", &URLError{URL: rawURL, Err: errNotHTTP}
	}
	if u.Host == "" || u.Opaque != "" {
		return "", &URLError{URL: rawURL, Err: errNoHost}
	}
	host := strings.ToLower(u.Host)
	if port := u.Port(); (scheme == "http" && port == "80") || (scheme == "https" && port == "443") {
		host = strings.TrimSuffix(host, ":"+port)
	} else if port == "" {
		host = strings.TrimSuffix(host, ":") // "example.com:" has an empty port
	}
	if strings.TrimSuffix(strings.TrimPrefix(host, "["), "]") == "" {
		return "", &URLError{URL: rawURL, Err: errNoHost}
	}
	out := url.URL{
		Scheme:   scheme,
		User:     u.User,
		Host:     host,
		Path:     u.Path,
		RawPath:  u.RawPath,
		RawQuery: u.RawQuery,
		// ForceQuery keeps a bare "?" so "/a?" and "/a" stay distinct as sent.
		ForceQuery: u.ForceQuery,
	}
	if out.Path == "" {
		out.Path = "/"
		out.RawPath = ""
	}
	return out.String(), nil
}

// ErrBadURL is matched (errors.Is) by the *URLError that Key and
// NormalizeURL return for a URL they cannot use.
var ErrBadURL = errors.New("cache: bad URL")

// URLError says why a URL cannot be cached.
type URLError struct {
	URL string
	Err error
}

func (e *URLError) Error() string {
	return "cache: bad URL " + strconv.Quote(e.URL) + ": " + e.Err.Error()
}

// Unwrap returns the parse error or the rule the URL broke.
func (e *URLError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrBadURL) hold.
func (e *URLError) Is(target error) bool { return target == ErrBadURL }

var (
	errNotHTTP = errors.New("not an absolute http or https URL")
	errNoHost  = errors.New("URL has no host")
)
