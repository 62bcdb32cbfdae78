// --dump-dir: every accepted message as a file, in a directory private to
// the user who runs the server. Messages hold whatever a client sent
// (reset links, tokens), and a client chooses their bytes, so nothing here
// trusts the directory's previous contents:
// - the directory is created with mode 0700; an existing one is used only
//   if it is a real directory (not a symbolic link), owned by this user and
//   writable by nobody else, and is refused with a clear error otherwise;
// - each file is created O_CREAT|O_EXCL|O_NOFOLLOW with mode 0600 under a
//   temporary name, then linked to its final name, which never replaces an
//   existing file nor follows a planted link: a name that is taken (a
//   previous run's 1.eml) gets the next free one (1-1.eml, 1-2.eml, ...).
//   Whoever watches the directory sees only complete files under .eml names.
#ifndef SMTPFIXTURE_TOOLS_SMTPFIXTURE_SERVER_DUMP_DIRECTORY_H_
#define SMTPFIXTURE_TOOLS_SMTPFIXTURE_SERVER_DUMP_DIRECTORY_H_

#include <memory>
#include <optional>
#include <string>

namespace server_cli {

class DumpDirectory {
 public:
  // Creates `path` (and missing parents) or checks the existing one; null
  // with `*error` saying why it cannot be used.
  static std::unique_ptr<DumpDirectory> Open(const std::string& path,
                                             std::string* error);
  ~DumpDirectory();
  DumpDirectory(const DumpDirectory&) = delete;
  DumpDirectory& operator=(const DumpDirectory&) = delete;

  // Writes `data` to <stem>.eml, or to <stem>-N.eml with the first N free;
  // the file's absolute path, or nullopt with `*error`.
  std::optional<std::string> Write(const std::string& stem,
                                   const std::string& data, std::string* error);

 private:
  DumpDirectory(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}

  const int fd_;            // the directory, opened once: names resolve in it
  const std::string path_;  // absolute
};

}  // namespace server_cli

#endif  // SMTPFIXTURE_TOOLS_SMTPFIXTURE_SERVER_DUMP_DIRECTORY_H_
