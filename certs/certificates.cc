#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <system_error>
#include <utility>

#include "certs/pki.h"
#include "smtpfixture/certs.h"
#include "smtpfixture/error.h"

namespace smtpfixture {
namespace {

// TEST_TMPDIR is Bazel's per-test directory; TMPDIR the POSIX convention.
std::filesystem::path TemporaryBase() {
  for (const char* variable : {"TEST_TMPDIR", "TMPDIR"}) {
    const char* value = std::getenv(variable);
    if (value != nullptr && *value != '\0') return value;
  }
  return "/tmp";
}

// A fresh directory per process, so that test binaries run in parallel by
// `ctest -j` never read or remove each other's files.
std::filesystem::path MakeRunDirectory() {
  const std::filesystem::path base = TemporaryBase();
  std::string path = (base / "smtpfixture-XXXXXX").string();
  if (mkdtemp(path.data()) == nullptr) {
    const int error = errno;
    throw Error("cannot create a temporary directory in \"" + base.string() +
                "\" for the CA file: " + std::strerror(error));
  }
  return path;
}

// Write-then-rename: a client that opens the file (from another thread or
// process) sees either no file or all of it.
void WriteFileAtomically(const std::filesystem::path& path,
                         const std::string& contents) {
  std::filesystem::path partial = path;
  partial += ".partial";
  {
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
    out.close();
    if (!out) {
      const int error = errno;
      throw Error("cannot write the CA file \"" + partial.string() +
                  "\": " + std::strerror(error));
    }
  }
  std::error_code error;
  std::filesystem::rename(partial, path, error);
  if (error) {
    throw Error("cannot rename \"" + partial.string() + "\" to \"" +
                path.string() + "\": " + error.message());
  }
}

}  // namespace

struct Certificates::Impl {
  detail::Credential ca;
  std::string ca_pem;
  std::filesystem::path directory;
  std::filesystem::path ca_file;
  // A child forked from this process (a death test, a spawned helper) runs
  // this object's destructor when it exits; only the creator may remove the
  // directory, or the parent would lose its CA file.
  pid_t creator = getpid();

  std::mutex mutex;
  // Made on first use: most runs never ask for kUnknownAuthority.
  detail::Credential untrusted_ca;  // guarded by mutex
  std::map<std::pair<std::string, CertificateProblem>, PemIdentity>
      leaves;  // guarded by mutex
  std::map<std::pair<std::string, CertificateProblem>, PemIdentity>
      client_leaves;  // guarded by mutex

  // The untrusted CA, made on first use. Call with mutex held.
  const detail::Credential& UntrustedCa() {
    if (!untrusted_ca.certificate) {
      untrusted_ca = detail::MakeCertificateAuthority(
          "smtpfixture untrusted CA " + detail::RandomHex(8));
    }
    return untrusted_ca;
  }

  void RemoveDirectory() {
    if (directory.empty() || getpid() != creator) return;
    std::error_code ignored;  // Best effort at exit: nobody is left to tell.
    std::filesystem::remove_all(directory, ignored);
    directory.clear();
  }
};

Certificates::Certificates() : impl_(std::make_unique<Impl>()) {
  impl_->ca = detail::MakeCertificateAuthority("smtpfixture throwaway CA " +
                                               detail::RandomHex(8));
  impl_->ca_pem = detail::CertificatePem(*impl_->ca.certificate);
  impl_->directory = MakeRunDirectory();
  impl_->ca_file = impl_->directory / "ca.pem";
  try {
    WriteFileAtomically(impl_->ca_file, impl_->ca_pem);
  } catch (...) {
    impl_->RemoveDirectory();
    throw;
  }
}

Certificates::~Certificates() { impl_->RemoveDirectory(); }

const Certificates& Certificates::ForThisRun() {
  // A function-local static: constructed once, on first use, thread-safely;
  // if construction throws, the next call tries again. Destroyed at exit,
  // which removes the CA file's directory.
  static const Certificates instance;
  return instance;
}

const std::string& Certificates::CaPem() const { return impl_->ca_pem; }

const std::filesystem::path& Certificates::CaFile() const {
  return impl_->ca_file;
}

PemIdentity Certificates::Leaf(const std::string& hostname,
                               CertificateProblem problem) const {
  // Generation happens under the lock: a leaf costs about a millisecond, and
  // two threads asking for the same new leaf then get the same one.
  std::lock_guard<std::mutex> lock(impl_->mutex);
  const auto key = std::make_pair(hostname, problem);
  const auto found = impl_->leaves.find(key);
  if (found != impl_->leaves.end()) return found->second;
  if (problem == CertificateProblem::kUnknownAuthority) impl_->UntrustedCa();
  PemIdentity identity = detail::MakeLeafIdentity(hostname, problem, impl_->ca,
                                                  impl_->untrusted_ca);
  impl_->leaves.emplace(key, identity);
  return identity;
}

PemIdentity Certificates::ClientLeaf(const std::string& common_name,
                                     CertificateProblem problem) const {
  // As Leaf(): generated under the lock, cached per (name, problem).
  std::lock_guard<std::mutex> lock(impl_->mutex);
  const auto key = std::make_pair(common_name, problem);
  const auto found = impl_->client_leaves.find(key);
  if (found != impl_->client_leaves.end()) return found->second;
  if (problem == CertificateProblem::kUnknownAuthority) impl_->UntrustedCa();
  PemIdentity identity = detail::MakeClientIdentity(
      common_name, problem, impl_->ca, impl_->untrusted_ca);
  impl_->client_leaves.emplace(key, identity);
  return identity;
}

}  // namespace smtpfixture
