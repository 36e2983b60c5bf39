#include "backup/backup.h"

#include <fcntl.h>
#include <sodium.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <vector>

namespace publius::backup {
namespace fs = std::filesystem;

Status check_passphrase(std::string_view passphrase, std::string_view flag) {
  if (passphrase.size() < kMinPassphraseBytes || passphrase.size() > kMaxPassphraseBytes)
    return bad_request(std::string(flag) + ": the passphrase must be " +
                       std::to_string(kMinPassphraseBytes) + " to " +
                       std::to_string(kMaxPassphraseBytes) + " bytes long (its first line)");
  return ok_status();
}

namespace {

// ---- Format (docs/backup.md) ----
//
// Header, 98 bytes, all integers little-endian:
//   magic "PUBLBKUP" | version u8 = 1 | kdf u8 = 1 (Argon2id v1.3) | opslimit u64 |
//   memlimit u64 | salt [16] | secretstream header [24] | key check [32]
// The key check is BLAKE2b-256, keyed with a subkey of the Argon2id output, of
// every header byte before it: a wrong passphrase is told apart from damage.
// Then secretstream chunks, each a u32 ciphertext length and the ciphertext of
// at most kChunkBytes of the archive; the last carries TAG_FINAL. The archive:
// per file 'F' | path length u16 | path (UTF-8, relative, '/') | size u64 | bytes,
// then 'E'.
constexpr std::array<unsigned char, 8> kMagic = {'P', 'U', 'B', 'L', 'B', 'K', 'U', 'P'};
constexpr unsigned char kVersion = 1;
constexpr unsigned char kKdfArgon2id13 = 1;
constexpr size_t kCheckBytes = 32;
constexpr size_t kHeaderBytes = kMagic.size() + 2 + 8 + 8 + crypto_pwhash_SALTBYTES +
                                crypto_secretstream_xchacha20poly1305_HEADERBYTES + kCheckBytes;
constexpr size_t kChunkBytes = 64 * 1024;
constexpr uint64_t kMaxOpslimit = 16;
constexpr uint64_t kMaxMemlimit = 1ull << 30;
constexpr uint64_t kProgressEveryBytes = 8ull << 20;
constexpr char kDatabaseFile[] = "publius.db";
constexpr char kKdfContext[crypto_kdf_CONTEXTBYTES] = {'p', 'u', 'b', 'l', 'b', 'k', 'u', 'p'};

Error io_error(const std::string& what) {
  return internal_error(what + ": " + std::generic_category().message(errno));
}

void put_u64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
uint64_t get_u64(const unsigned char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

// An owned file descriptor.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  bool ok() const { return fd_ >= 0; }

 private:
  int fd_;
};

bool write_all(int fd, const void* data, size_t size) {
  const auto* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

// Reads up to `size` bytes, fewer only at end of file; -1 on error.
ssize_t read_full(int fd, void* data, size_t size) {
  auto* p = static_cast<char*>(data);
  size_t got = 0;
  while (got < size) {
    const ssize_t n = ::read(fd, p + got, size - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return -1;
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  return static_cast<ssize_t>(got);
}

bool fsync_dir(const fs::path& dir) {
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  return fd.ok() && ::fsync(fd.get()) == 0;
}

// The two keys a passphrase yields: one for the stream, one for the header check.
struct Keys {
  std::array<unsigned char, crypto_secretstream_xchacha20poly1305_KEYBYTES> stream{};
  std::array<unsigned char, crypto_generichash_KEYBYTES> check{};
  ~Keys() {
    sodium_memzero(stream.data(), stream.size());
    sodium_memzero(check.data(), check.size());
  }
};

Status derive_keys(std::string_view passphrase, const unsigned char* salt, const KdfCost& cost,
                   Keys& keys) {
  std::array<unsigned char, crypto_kdf_KEYBYTES> master{};
  if (crypto_pwhash(master.data(), master.size(), passphrase.data(), passphrase.size(), salt,
                    cost.opslimit, cost.memlimit, crypto_pwhash_ALG_ARGON2ID13) != 0)
    return internal_error("Argon2id failed (out of memory?)");
  crypto_kdf_derive_from_key(keys.stream.data(), keys.stream.size(), 1, kKdfContext, master.data());
  crypto_kdf_derive_from_key(keys.check.data(), keys.check.size(), 2, kKdfContext, master.data());
  sodium_memzero(master.data(), master.size());
  return ok_status();
}

std::array<unsigned char, kCheckBytes> key_check(const Keys& keys, std::string_view header) {
  std::array<unsigned char, kCheckBytes> out{};
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(header.data()),
                     header.size(), keys.check.data(), keys.check.size());
  return out;
}

// Counts entries and plaintext bytes; reports after each entry and every
// kProgressEveryBytes within one.
class ProgressCounter {
 public:
  explicit ProgressCounter(ProgressFn report) : report_(std::move(report)) {}
  void add_bytes(uint64_t bytes) {
    so_far_.bytes += bytes;
    if (so_far_.bytes - reported_bytes_ >= kProgressEveryBytes) report();
  }
  void entry_done() {
    ++so_far_.entries;
    report();
  }

 private:
  void report() {
    reported_bytes_ = so_far_.bytes;
    if (report_) report_(so_far_);
  }
  ProgressFn report_;
  Progress so_far_;
  uint64_t reported_bytes_ = 0;
};

// Encrypts the archive stream into `fd` in chunks of kChunkBytes.
class SealedWriter {
 public:
  SealedWriter(int fd, ProgressFn progress) : fd_(fd), progress_(std::move(progress)) {}
  ~SealedWriter() { sodium_memzero(buffer_.data(), buffer_.size()); }

  Status begin(std::string_view passphrase, const KdfCost& cost) {
    std::string header(kMagic.begin(), kMagic.end());
    header.push_back(static_cast<char>(kVersion));
    header.push_back(static_cast<char>(kKdfArgon2id13));
    put_u64(header, cost.opslimit);
    put_u64(header, cost.memlimit);
    std::array<unsigned char, crypto_pwhash_SALTBYTES> salt{};
    randombytes_buf(salt.data(), salt.size());
    header.append(reinterpret_cast<const char*>(salt.data()), salt.size());
    Keys keys;
    PUBLIUS_TRY(derive_keys(passphrase, salt.data(), cost, keys));
    std::array<unsigned char, crypto_secretstream_xchacha20poly1305_HEADERBYTES> stream_header{};
    crypto_secretstream_xchacha20poly1305_init_push(&state_, stream_header.data(),
                                                    keys.stream.data());
    header.append(reinterpret_cast<const char*>(stream_header.data()), stream_header.size());
    const auto check = key_check(keys, header);
    header.append(reinterpret_cast<const char*>(check.data()), check.size());
    if (!write_all(fd_, header.data(), header.size())) return io_error("writing the backup");
    return ok_status();
  }

  Status write(std::string_view plain) {
    while (!plain.empty()) {
      const size_t take = std::min(plain.size(), kChunkBytes - buffer_.size());
      buffer_.insert(buffer_.end(), plain.begin(), plain.begin() + static_cast<ptrdiff_t>(take));
      plain.remove_prefix(take);
      progress_.add_bytes(take);
      if (buffer_.size() == kChunkBytes) {
        PUBLIUS_TRY(push(0));
      }
    }
    return ok_status();
  }

  void entry_done() { progress_.entry_done(); }

  Status finish() { return push(crypto_secretstream_xchacha20poly1305_TAG_FINAL); }

 private:
  Status push(unsigned char tag) {
    std::vector<unsigned char> out(buffer_.size() + crypto_secretstream_xchacha20poly1305_ABYTES);
    unsigned long long out_len = 0;
    crypto_secretstream_xchacha20poly1305_push(&state_, out.data(), &out_len, buffer_.data(),
                                               buffer_.size(), nullptr, 0, tag);
    sodium_memzero(buffer_.data(), buffer_.size());
    buffer_.clear();
    std::string length;
    for (int i = 0; i < 4; ++i) length.push_back(static_cast<char>((out_len >> (8 * i)) & 0xff));
    if (!write_all(fd_, length.data(), length.size()) || !write_all(fd_, out.data(), out_len))
      return io_error("writing the backup");
    return ok_status();
  }

  int fd_;
  ProgressCounter progress_;
  crypto_secretstream_xchacha20poly1305_state state_{};
  std::vector<unsigned char> buffer_;
};

// Decrypts and authenticates the archive stream from `fd`.
class SealedReader {
 public:
  SealedReader(int fd, ProgressFn progress) : fd_(fd), progress_(std::move(progress)) {}
  ~SealedReader() { sodium_memzero(plain_.data(), plain_.size()); }

  Status begin(std::string_view passphrase) {
    std::array<unsigned char, kHeaderBytes> header{};
    const ssize_t got = read_full(fd_, header.data(), header.size());
    if (got < 0) return io_error("reading the backup");
    const size_t n = static_cast<size_t>(got);
    if (n < kMagic.size() || std::memcmp(header.data(), kMagic.data(), kMagic.size()) != 0)
      return unprocessable("--in: not a Publius backup (no magic bytes)");
    if (n < kMagic.size() + 1 || header[kMagic.size()] != kVersion)
      return unprocessable(n < kMagic.size() + 1
                               ? "--in: the backup is truncated (it ends inside its header)"
                               : "--in: backup format version " +
                                     std::to_string(header[kMagic.size()]) +
                                     " is not supported by this Publius (it reads version 1)");
    if (n < kHeaderBytes)
      return unprocessable("--in: the backup is truncated (it ends inside its header)");
    const unsigned char* p = header.data() + kMagic.size() + 1;
    if (*p++ != kKdfArgon2id13) return unprocessable("--in: unknown key derivation in the header");
    KdfCost cost;
    cost.opslimit = get_u64(p);
    cost.memlimit = get_u64(p + 8);
    p += 16;
    if (cost.opslimit < crypto_pwhash_OPSLIMIT_MIN || cost.opslimit > kMaxOpslimit ||
        cost.memlimit < crypto_pwhash_MEMLIMIT_MIN || cost.memlimit > kMaxMemlimit)
      return unprocessable("--in: the header's Argon2id cost is outside what restore accepts");
    const unsigned char* salt = p;
    const unsigned char* stream_header = salt + crypto_pwhash_SALTBYTES;
    const unsigned char* check = stream_header + crypto_secretstream_xchacha20poly1305_HEADERBYTES;
    Keys keys;
    PUBLIUS_TRY(derive_keys(passphrase, salt, cost, keys));
    const auto expected = key_check(
        keys,
        std::string_view(reinterpret_cast<const char*>(header.data()), kHeaderBytes - kCheckBytes));
    if (sodium_memcmp(expected.data(), check, kCheckBytes) != 0)
      return unauthorized(
          "--passphrase-file: the passphrase does not open this backup (or its "
          "header was altered)");
    if (crypto_secretstream_xchacha20poly1305_init_pull(&state_, stream_header,
                                                        keys.stream.data()) != 0)
      return tampered("its stream header is invalid");
    return ok_status();
  }

  // Exactly `size` bytes of the archive into `out`.
  Status read(size_t size, std::string& out) {
    out.clear();
    while (out.size() < size) {
      if (offset_ == plain_.size()) {
        PUBLIUS_TRY(pull());
      }
      const size_t take = std::min(size - out.size(), plain_.size() - offset_);
      out.append(reinterpret_cast<const char*>(plain_.data()) + offset_, take);
      offset_ += take;
      progress_.add_bytes(take);
    }
    return ok_status();
  }

  void entry_done() { progress_.entry_done(); }

  // After the end record: the stream must have ended there, and the file too.
  Status expect_end() {
    if (offset_ != plain_.size() || !final_) return tampered("data follows its end record");
    unsigned char extra = 0;
    if (read_full(fd_, &extra, 1) != 0) return tampered("bytes follow its final chunk");
    return ok_status();
  }

  static Error tampered(const std::string& why) {
    return unprocessable("--in: the backup was altered or damaged: " + why);
  }
  static Error truncated() {
    return unprocessable(
        "--in: the backup is truncated (it ends before its end "
        "record)");
  }

 private:
  Status pull() {
    if (final_) return tampered("its final chunk ends inside an entry");
    unsigned char length[4];
    const ssize_t got = read_full(fd_, length, sizeof length);
    if (got < 0) return io_error("reading the backup");
    if (got < 4) return truncated();
    const uint32_t size =
        static_cast<uint32_t>(length[0]) | (static_cast<uint32_t>(length[1]) << 8) |
        (static_cast<uint32_t>(length[2]) << 16) | (static_cast<uint32_t>(length[3]) << 24);
    if (size < crypto_secretstream_xchacha20poly1305_ABYTES ||
        size > kChunkBytes + crypto_secretstream_xchacha20poly1305_ABYTES)
      return tampered("a chunk length is out of range");
    std::vector<unsigned char> cipher(size);
    const ssize_t body = read_full(fd_, cipher.data(), size);
    if (body < 0) return io_error("reading the backup");
    if (static_cast<size_t>(body) < size) return truncated();
    sodium_memzero(plain_.data(), plain_.size());
    plain_.resize(size - crypto_secretstream_xchacha20poly1305_ABYTES);
    unsigned long long plain_len = 0;
    unsigned char tag = 0;
    if (crypto_secretstream_xchacha20poly1305_pull(&state_, plain_.data(), &plain_len, &tag,
                                                   cipher.data(), size, nullptr, 0) != 0)
      return tampered("a chunk fails authentication");
    plain_.resize(plain_len);
    offset_ = 0;
    final_ = tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL;
    return ok_status();
  }

  int fd_;
  ProgressCounter progress_;
  crypto_secretstream_xchacha20poly1305_state state_{};
  std::vector<unsigned char> plain_;
  size_t offset_ = 0;
  bool final_ = false;
};

// The database as one consistent image in memory: SQLite's online backup API
// copies it into an in-memory database (reading through the live WAL, so
// concurrent writers are neither blocked for long nor half-seen), which is then
// serialized. Nothing of it is written to a file.
class DatabaseImage {
 public:
  DatabaseImage() = default;
  DatabaseImage(const DatabaseImage&) = delete;
  DatabaseImage& operator=(const DatabaseImage&) = delete;
  ~DatabaseImage() {
    if (bytes_) {
      sodium_memzero(bytes_, static_cast<size_t>(size_));
      sqlite3_free(bytes_);
    }
  }

  Status take(const std::string& path) {
    if (!fs::is_regular_file(path)) return bad_request("--data-dir: " + path + " does not exist");
    sqlite3* source = nullptr;
    sqlite3* memory = nullptr;
    auto close_both = [&] {
      sqlite3_close_v2(source);
      sqlite3_close_v2(memory);
    };
    if (sqlite3_open_v2(path.c_str(), &source, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK ||
        sqlite3_open_v2(":memory:", &memory, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
      Error e = internal_error(std::string("cannot open the database: ") +
                               sqlite3_errmsg(source ? source : memory));
      close_both();
      return e;
    }
    sqlite3_busy_timeout(source, 10000);
    sqlite3_backup* copy = sqlite3_backup_init(memory, "main", source, "main");
    int rc = copy ? SQLITE_OK : SQLITE_ERROR;
    // One step copies every page under a single read transaction: a consistent snapshot.
    while (copy && (rc = sqlite3_backup_step(copy, -1)) != SQLITE_DONE) {
      if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) break;
      sqlite3_sleep(50);
    }
    if (copy) sqlite3_backup_finish(copy);
    if (rc != SQLITE_DONE) {
      Error e =
          internal_error(std::string("cannot snapshot the database: ") + sqlite3_errmsg(memory));
      close_both();
      return e;
    }
    bytes_ = sqlite3_serialize(memory, "main", &size_, 0);
    close_both();
    if (!bytes_) return internal_error("cannot serialize the database snapshot");
    return ok_status();
  }

  std::string_view bytes() const {
    return {reinterpret_cast<const char*>(bytes_), static_cast<size_t>(size_)};
  }

 private:
  unsigned char* bytes_ = nullptr;
  sqlite3_int64 size_ = 0;
};

Status write_entry_header(SealedWriter& writer, const std::string& path, uint64_t size) {
  std::string head = "F";
  head.push_back(static_cast<char>(path.size() & 0xff));
  head.push_back(static_cast<char>(path.size() >> 8));
  head += path;
  put_u64(head, size);
  return writer.write(head);
}

// Whether a file under the data directory belongs in the backup: not the live
// database's own files (the snapshot stands for them), nor the backup being written.
bool belongs_in_backup(const std::string& relative, const fs::path& absolute,
                       const fs::path& output_dir, const std::string& output_prefix) {
  for (const char* live : {"publius.db", "publius.db-wal", "publius.db-shm", "publius.db-journal"})
    if (relative == live) return false;
  return !(absolute.parent_path() == output_dir &&
           absolute.filename().string().rfind(output_prefix, 0) == 0);
}

Status write_archive(const BackupOptions& o, SealedWriter& writer, const fs::path& out) {
  {
    DatabaseImage image;
    PUBLIUS_TRY(image.take(o.data_dir + "/" + kDatabaseFile));
    PUBLIUS_TRY(write_entry_header(writer, kDatabaseFile, image.bytes().size()));
    PUBLIUS_TRY(writer.write(image.bytes()));
    writer.entry_done();
  }
  const fs::path root = fs::canonical(o.data_dir);
  const fs::path out_dir = fs::weakly_canonical(out).parent_path();
  const std::string out_prefix = out.filename().string();
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    std::error_code type_ec;  // a file removed meanwhile is simply not backed up
    if (it->is_symlink(type_ec) || !it->is_regular_file(type_ec)) continue;
    const std::string relative = it->path().lexically_relative(root).generic_string();
    if (!belongs_in_backup(relative, it->path(), out_dir, out_prefix)) continue;
    if (relative.size() > 0xffff)
      return internal_error("a path under --data-dir is too long: " + relative);
    Fd in(::open(it->path().c_str(), O_RDONLY | O_CLOEXEC));
    struct stat st {};
    if (!in.ok() || ::fstat(in.get(), &st) != 0) return io_error("reading " + relative);
    const uint64_t size = static_cast<uint64_t>(st.st_size);
    PUBLIUS_TRY(write_entry_header(writer, relative, size));
    std::vector<char> buffer(kChunkBytes);
    for (uint64_t left = size; left > 0;) {
      const ssize_t n = read_full(in.get(), buffer.data(), std::min<uint64_t>(left, buffer.size()));
      if (n < 0) return io_error("reading " + relative);
      if (n == 0) return internal_error(relative + " shrank while being backed up");
      PUBLIUS_TRY(writer.write({buffer.data(), static_cast<size_t>(n)}));
      left -= static_cast<uint64_t>(n);
    }
    sodium_memzero(buffer.data(), buffer.size());
    writer.entry_done();
  }
  if (ec) return internal_error("cannot list --data-dir: " + ec.message());
  PUBLIUS_TRY(writer.write("E"));
  return writer.finish();
}

// A path from the archive is written only when it stays inside the target.
bool safe_relative_path(const std::string& path) {
  if (path.empty() || path.front() == '/' || path.find('\0') != std::string::npos) return false;
  for (const auto& part : fs::path(path))
    if (part == ".." || part == "." || part.empty()) return false;
  return true;
}

Status read_archive(SealedReader& reader, const fs::path& target) {
  std::string field;
  bool saw_database = false;
  for (;;) {
    PUBLIUS_TRY(reader.read(1, field));
    if (field == "E") break;
    if (field != "F") return SealedReader::tampered("an entry has an unknown type");
    PUBLIUS_TRY(reader.read(2, field));
    const size_t path_size = static_cast<unsigned char>(field[0]) |
                             (static_cast<size_t>(static_cast<unsigned char>(field[1])) << 8);
    std::string path;
    PUBLIUS_TRY(reader.read(path_size, path));
    if (!safe_relative_path(path))
      return SealedReader::tampered("an entry's path leaves the data directory");
    PUBLIUS_TRY(reader.read(8, field));
    uint64_t left = get_u64(reinterpret_cast<const unsigned char*>(field.data()));
    const fs::path file = target / path;
    std::error_code ec;
    fs::create_directories(file.parent_path(), ec);
    Fd out(::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (!out.ok()) return io_error("creating " + file.string());
    std::string chunk;
    while (left > 0) {
      const size_t take = static_cast<size_t>(std::min<uint64_t>(left, kChunkBytes));
      PUBLIUS_TRY(reader.read(take, chunk));
      if (!write_all(out.get(), chunk.data(), chunk.size()))
        return io_error("writing " + file.string());
      left -= take;
    }
    sodium_memzero(chunk.data(), chunk.size());
    if (::fsync(out.get()) != 0) return io_error("syncing " + file.string());
    saw_database = saw_database || path == kDatabaseFile;
    reader.entry_done();
  }
  PUBLIUS_TRY(reader.expect_end());
  if (!saw_database) return SealedReader::tampered("it holds no database");
  return ok_status();
}

}  // namespace

Status create_backup(const BackupOptions& o) {
  PUBLIUS_TRY(check_passphrase(o.passphrase, "--passphrase-file"));
  if (!fs::is_directory(o.data_dir))
    return bad_request("--data-dir: " + o.data_dir + " is not a directory");
  const fs::path out(o.out_path);
  const fs::path out_dir = out.parent_path().empty() ? fs::path(".") : out.parent_path();
  if (out.filename().empty() || !fs::is_directory(out_dir))
    return bad_request("--out: " + o.out_path + " is not a file in an existing directory");
  std::string temp = (out_dir / (out.filename().string() + ".partial-XXXXXX")).string();
  Fd fd(::mkostemp(temp.data(), O_CLOEXEC));  // mode 0600
  if (!fd.ok()) return io_error("--out: cannot create a file beside " + o.out_path);
  Status outcome = ok_status();
  {
    SealedWriter writer(fd.get(), o.progress);
    outcome = writer.begin(o.passphrase, o.cost);
    if (outcome.ok()) outcome = write_archive(o, writer, out);
  }
  if (outcome.ok() && ::fsync(fd.get()) != 0) outcome = io_error("syncing the backup");
  if (outcome.ok() && ::rename(temp.c_str(), o.out_path.c_str()) != 0)
    outcome = io_error("--out: cannot rename the finished backup to " + o.out_path);
  if (!outcome.ok()) {
    ::unlink(temp.c_str());
    return outcome;
  }
  if (!fsync_dir(out_dir)) return io_error("syncing the directory of --out");
  return ok_status();
}

Status restore_backup(const RestoreOptions& o) {
  const fs::path target(o.data_dir);
  std::error_code ec;
  if (fs::exists(target, ec) && !(fs::is_directory(target, ec) && fs::is_empty(target, ec)))
    return bad_request("--data-dir: " + o.data_dir + " exists and is not an empty directory");
  const fs::path parent = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  if (target.filename().empty() || !fs::is_directory(parent, ec))
    return bad_request("--data-dir: the parent directory of " + o.data_dir + " does not exist");
  Fd in(::open(o.in_path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!in.ok()) return io_error("--in: cannot open " + o.in_path);
  std::string temp = (parent / (target.filename().string() + ".restoring-XXXXXX")).string();
  if (!::mkdtemp(temp.data())) return io_error("--data-dir: cannot create a directory beside it");
  Status outcome = ok_status();
  {
    SealedReader reader(in.get(), o.progress);
    outcome = reader.begin(o.passphrase);
    if (outcome.ok()) outcome = read_archive(reader, temp);
  }
  if (outcome.ok()) {
    // rename() replaces an empty directory; a missing one is simply created.
    if (::rename(temp.c_str(), target.c_str()) != 0)
      outcome = io_error("--data-dir: cannot move the restored directory into place");
    else if (!fsync_dir(parent))
      outcome = io_error("--data-dir: cannot sync its parent directory");
  }
  if (!outcome.ok()) fs::remove_all(temp, ec);
  return outcome;
}

}  // namespace publius::backup
