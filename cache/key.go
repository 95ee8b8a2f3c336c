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
// scheme, a missing host or a URL that does not parse is an error.
func NormalizeURL(rawURL string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil {
		return "", fmt.Errorf("cache: normalize %q: %w", rawURL, err)
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" {
		return "", fmt.Errorf("cache: normalize %q: %w", rawURL, errNotHTTP)
	}
	if u.Host == "" || u.Opaque != "" {
		return "", fmt.Errorf("cache: normalize %q: %w", rawURL, errNoHost)
	}
	host := strings.ToLower(u.Host)
	if port := u.Port(); (scheme == "http" && port == "80") || (scheme == "https" && port == "443") {
		host = strings.TrimSuffix(host, ":"+port)
	} else if port == "" {
		host = strings.TrimSuffix(host, ":") // "example.com:" has an empty port
	}
	if strings.TrimSuffix(strings.TrimPrefix(host, "["), "]") == "" {
		return "", fmt.Errorf("cache: normalize %q: %w", rawURL, errNoHost)
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

var (
	errNotHTTP = errors.New("not an absolute http or https URL")
	errNoHost  = errors.New("URL has no host")
)
