#include "tools/smtpfixture-server/dump_directory.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <utility>

namespace server_cli {
namespace {

// How many names are tried before a write gives up.
constexpr int kMaxNameAttempts = 1000;

std::string Errno() { return std::strerror(errno); }

bool WriteAll(int fd, const std::string& data) {
  std::size_t written = 0;
  while (written < data.size()) {
    const ssize_t n = write(fd, data.data() + written, data.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    written += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

std::unique_ptr<DumpDirectory> DumpDirectory::Open(const std::string& path,
                                                   std::string* error) {
  namespace fs = std::filesystem;
  std::error_code code;
  const fs::path absolute = fs::absolute(path, code);
  if (code) {
    *error = path + ": " + code.message();
    return nullptr;
  }
  const fs::path parent = absolute.parent_path();
  if (!parent.empty()) fs::create_directories(parent, code);
  if (code) {
    *error = "cannot create " + parent.string() + ": " + code.message();
    return nullptr;
  }
  if (mkdir(absolute.c_str(), S_IRWXU) != 0 && errno != EEXIST) {
    *error = "cannot create " + absolute.string() + ": " + Errno();
    return nullptr;
  }
  // Checked through the descriptor that is then used, so that the
  // directory cannot be swapped between the check and the writes.
  const int fd =
      open(absolute.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    *error = absolute.string() + ": " +
             (errno == ELOOP || errno == ENOTDIR
                  ? std::string("not a directory (a symbolic link or a file)")
                  : Errno());
    return nullptr;
  }
  struct stat info {};
  std::string problem;
  if (fstat(fd, &info) != 0) {
    problem = Errno();
  } else if (info.st_uid != geteuid()) {
    problem = "owned by uid " + std::to_string(info.st_uid) +
              ", not by this user (uid " + std::to_string(geteuid()) + ")";
  } else if ((info.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o",
                  static_cast<unsigned>(info.st_mode & 07777));
    problem = std::string("writable by others (mode ") + mode +
              "); the messages need a private directory (chmod go-w, or "
              "give a new path)";
  }
  if (!problem.empty()) {
    close(fd);
    *error = absolute.string() + ": " + problem;
    return nullptr;
  }
  return std::unique_ptr<DumpDirectory>(
      new DumpDirectory(fd, absolute.string()));
}

DumpDirectory::~DumpDirectory() { close(fd_); }

std::optional<std::string> DumpDirectory::Write(const std::string& stem,
                                                const std::string& data,
                                                std::string* error) {
  constexpr int kFlags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
  std::string partial;
  int fd = -1;
  for (int n = 0; fd < 0 && n < kMaxNameAttempts; ++n) {
    partial = "." + stem + ".eml.partial" + (n > 0 ? std::to_string(n) : "");
    fd = openat(fd_, partial.c_str(), kFlags, S_IRUSR | S_IWUSR);
    if (fd < 0 && errno != EEXIST) {
      *error = partial + ": " + Errno();
      return std::nullopt;
    }
  }
  if (fd < 0) {
    *error = "no free temporary name for " + stem + ".eml";
    return std::nullopt;
  }
  const bool written = WriteAll(fd, data);
  if (close(fd) != 0 || !written) {
    *error = partial + ": " + Errno();
    unlinkat(fd_, partial.c_str(), 0);
    return std::nullopt;
  }
  // link() fails with EEXIST on any existing name, a symbolic link
  // included, instead of replacing it or writing through it.
  std::optional<std::string> result;
  for (int n = 0; n < kMaxNameAttempts; ++n) {
    const std::string name =
        stem + (n > 0 ? "-" + std::to_string(n) : "") + ".eml";
    if (linkat(fd_, partial.c_str(), fd_, name.c_str(), 0) == 0) {
      result = path_ + "/" + name;
      break;
    }
    if (errno != EEXIST) {
      *error = name + ": " + Errno();
      break;
    }
  }
  if (!result && error->empty()) {
    *error = "no free name for " + stem + ".eml";
  }
  unlinkat(fd_, partial.c_str(), 0);
  return result;
}

}  // namespace server_cli
