// DatabaseUrl::parse: --db, POOLDESK_DB and the service's configuration name the database with it.
#include "FuzzCheck.h"

#include "storage/DatabaseUrl.h"

#include <QString>
#include <QUrl>

#include <cstddef>
#include <cstdint>

using namespace PoolDesk;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    const auto parsed = DatabaseUrl::parse(text);
    if (!parsed) {
        FUZZ_CHECK(!parsed.error().message.isEmpty());
        return 0;
    }
    const DatabaseUrl &url = parsed.value();
    const QString redacted = url.redacted();
    if (url.engine == DatabaseUrl::Engine::Sqlite) {
        FUZZ_CHECK(!url.path.isEmpty());
        FUZZ_CHECK(redacted == url.path);
        // The path is absolute and clean, so it names the same file when given again.
        const auto again = DatabaseUrl::parse(url.path);
        FUZZ_CHECK(again && again->engine == DatabaseUrl::Engine::Sqlite && again->path == url.path);
        return 0;
    }
    FUZZ_CHECK(!url.host.isEmpty());
    FUZZ_CHECK(url.port >= 0 && url.port <= 65535);
    FUZZ_CHECK(!url.databaseName.isEmpty());
    // Messages and logs never show the password: what they show does not depend on it.
    DatabaseUrl otherPassword = url;
    otherPassword.password = url.password.isEmpty() ? QString() : QStringLiteral("x");
    FUZZ_CHECK(otherPassword.redacted() == redacted);
    // The same parts written as a URL again read back as the same database.
    QUrl written;
    written.setScheme(QStringLiteral("postgresql"));
    written.setUserName(url.user);
    written.setPassword(url.password);
    written.setHost(url.host);
    written.setPort(url.port);
    written.setPath(QLatin1Char('/') + url.databaseName);
    const auto again = DatabaseUrl::parse(written.toString(QUrl::FullyEncoded));
    FUZZ_CHECK(again && again->engine == DatabaseUrl::Engine::PostgreSql);
    FUZZ_CHECK(again->host == url.host && again->port == url.port && again->user == url.user &&
               again->password == url.password && again->databaseName == url.databaseName);
    return 0;
}
