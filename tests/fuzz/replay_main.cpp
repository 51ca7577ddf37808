// Without libFuzzer (GCC, the suite's build): runs every file of the directories or files given
// through the target once, in name order, so the ordinary suite replays each corpus. A crash or a
// failed FUZZ_CHECK ends the process; the file being replayed is printed first, so it is known.
#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStringList>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

namespace {

bool replay(const QString &path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        std::fprintf(stderr, "cannot read %s\n", qPrintable(path));
        return false;
    }
    const QByteArray bytes = file.readAll();
    std::fprintf(stderr, "replaying %s (%lld bytes)\n", qPrintable(path),
                 static_cast<long long>(bytes.size()));
    // A copy of exactly the file's size, so reading past the end is caught by ASan (were it on)
    // and does not meet QByteArray's terminating zero.
    const auto copy = std::make_unique<uint8_t[]>(static_cast<size_t>(bytes.size()) + 1);
    std::memcpy(copy.get(), bytes.constData(), static_cast<size_t>(bytes.size()));
    LLVMFuzzerTestOneInput(copy.get(), static_cast<size_t>(bytes.size()));
    return true;
}

} // namespace

int main(int argc, char **argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s CORPUS_DIR_OR_FILE...\n", argv[0]);
        return 2;
    }
    int replayed = 0;
    for (int i = 1; i < argc; ++i) {
        const QString path = QString::fromLocal8Bit(argv[i]);
        if (QFileInfo(path).isDir()) {
            const QDir dir(path);
            for (const QString &name : dir.entryList(QDir::Files, QDir::Name)) {
                if (!replay(dir.filePath(name)))
                    return 1;
                ++replayed;
            }
        } else {
            if (!replay(path))
                return 1;
            ++replayed;
        }
    }
    if (replayed == 0) {
        std::fprintf(stderr, "no corpus files in the paths given\n");
        return 1;
    }
    std::fprintf(stderr, "%d input(s) replayed, no failure\n", replayed);
    return 0;
}
