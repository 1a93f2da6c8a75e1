// Command localk8s-pki writes the certificates and keys of one local test cluster:
// a cluster CA, the kube-apiserver serving certificate (127.0.0.1 / localhost),
// client certificates for the admin, kube-controller-manager, kube-scheduler and kwok,
// three for fault tests (users outside system:masters, and an admin whose certificate
// has expired), and the service-account signing key pair. Existing files are kept (idempotent).
// Standard library only, so a fresh machine needs nothing beyond Go.
package main

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"flag"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

type pair struct {
	cert *x509.Certificate
	key  crypto.Signer
}

func main() {
	dir := flag.String("dir", "", "output directory")
	name := flag.String("name", "local", "cluster name (CA common name)")
	flag.Parse()
	if *dir == "" {
		fail(fmt.Errorf("-dir is required"))
	}
	if err := os.MkdirAll(*dir, 0o700); err != nil {
		fail(err)
	}
	ca, err := loadOrCreate(*dir, "ca", func() (*x509.Certificate, crypto.Signer, error) {
		key, err := newKey()
		if err != nil {
			return nil, nil, err
		}
		tmpl := template(pkix.Name{CommonName: "localk8s-ca-" + *name})
		tmpl.IsCA = true
		tmpl.BasicConstraintsValid = true
		tmpl.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature | x509.KeyUsageCRLSign
		return sign(tmpl, key, nil, key)
	})
	if err != nil {
		fail(err)
	}
	leaf := func(file string, subject pkix.Name, server bool, expired ...bool) {
		_, err := loadOrCreate(*dir, file, func() (*x509.Certificate, crypto.Signer, error) {
			key, err := newKey()
			if err != nil {
				return nil, nil, err
			}
			tmpl := template(subject)
			if len(expired) > 0 && expired[0] {
				tmpl.NotBefore = time.Now().Add(-48 * time.Hour)
				tmpl.NotAfter = time.Now().Add(-24 * time.Hour)
			}
			tmpl.KeyUsage = x509.KeyUsageDigitalSignature
			if server {
				tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
				tmpl.IPAddresses = []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("10.96.0.1")}
				tmpl.DNSNames = []string{"localhost", "kubernetes", "kubernetes.default",
					"kubernetes.default.svc", "kubernetes.default.svc.cluster.local"}
			} else {
				tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
			}
			return sign(tmpl, key, ca, nil)
		})
		if err != nil {
			fail(err)
		}
	}
	leaf("apiserver", pkix.Name{CommonName: "kube-apiserver"}, true)
	leaf("admin", pkix.Name{CommonName: "localk8s-admin", Organization: []string{"system:masters"}}, false)
	leaf("controller-manager", pkix.Name{CommonName: "system:kube-controller-manager"}, false)
	leaf("scheduler", pkix.Name{CommonName: "system:kube-scheduler"}, false)
	// kwok updates node and pod status of every simulated node; it runs as cluster admin.
	leaf("kwok", pkix.Name{CommonName: "kwok", Organization: []string{"system:masters"}}, false)
	// Fault tests: authenticated but granted nothing (403); a user outside system:masters (which the API
	// server exempts from its in-flight limits) for tests to bind a role to; and a cluster admin whose
	// certificate expired yesterday.
	leaf("nobody", pkix.Name{CommonName: "localk8s-nobody"}, false)
	leaf("operator", pkix.Name{CommonName: "localk8s-operator"}, false)
	leaf("expired", pkix.Name{CommonName: "localk8s-expired", Organization: []string{"system:masters"}}, false, true)

	// Service-account token signing key pair.
	if _, err := os.Stat(filepath.Join(*dir, "sa.key")); os.IsNotExist(err) {
		key, err := newKey()
		if err != nil {
			fail(err)
		}
		if err := writeKey(filepath.Join(*dir, "sa.key"), key); err != nil {
			fail(err)
		}
		der, err := x509.MarshalPKIXPublicKey(key.Public())
		if err != nil {
			fail(err)
		}
		if err := writePEM(filepath.Join(*dir, "sa.pub"), "PUBLIC KEY", der, 0o644); err != nil {
			fail(err)
		}
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "localk8s-pki:", err)
	os.Exit(1)
}

func newKey() (crypto.Signer, error) { return ecdsa.GenerateKey(elliptic.P256(), rand.Reader) }

func template(subject pkix.Name) *x509.Certificate {
	serial, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	now := time.Now()
	return &x509.Certificate{
		SerialNumber: serial,
		Subject:      subject,
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(5 * 365 * 24 * time.Hour),
	}
}

// sign creates a certificate for tmpl with key, signed by parent (self-signed when parent is nil).
func sign(tmpl *x509.Certificate, key crypto.Signer, parent *pair, selfKey crypto.Signer) (*x509.Certificate, crypto.Signer, error) {
	issuer, issuerKey := tmpl, selfKey
	if parent != nil {
		issuer, issuerKey = parent.cert, parent.key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, issuer, key.Public(), issuerKey)
	if err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	return cert, key, err
}

// loadOrCreate returns <dir>/<name>.crt/.key, creating them with create when missing.
func loadOrCreate(dir, name string, create func() (*x509.Certificate, crypto.Signer, error)) (*pair, error) {
	crtPath, keyPath := filepath.Join(dir, name+".crt"), filepath.Join(dir, name+".key")
	if crtPEM, err := os.ReadFile(crtPath); err == nil {
		keyPEM, err := os.ReadFile(keyPath)
		if err != nil {
			return nil, err
		}
		cb, _ := pem.Decode(crtPEM)
		kb, _ := pem.Decode(keyPEM)
		if cb == nil || kb == nil {
			return nil, fmt.Errorf("%s: not PEM", name)
		}
		cert, err := x509.ParseCertificate(cb.Bytes)
		if err != nil {
			return nil, err
		}
		k, err := x509.ParsePKCS8PrivateKey(kb.Bytes)
		if err != nil {
			return nil, err
		}
		return &pair{cert, k.(crypto.Signer)}, nil
	}
	cert, key, err := create()
	if err != nil {
		return nil, err
	}
	if err := writeKey(keyPath, key); err != nil {
		return nil, err
	}
	if err := writePEM(crtPath, "CERTIFICATE", cert.Raw, 0o644); err != nil {
		return nil, err
	}
	return &pair{cert, key}, nil
}

func writeKey(path string, key crypto.Signer) error {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return err
	}
	return writePEM(path, "PRIVATE KEY", der, 0o600)
}

func writePEM(path, typ string, der []byte, mode os.FileMode) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), mode); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
