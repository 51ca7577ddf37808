// The console's side of the tamper-evident log, in a real keychain: Settings ▸ Audit Log makes the
// signing key and shows its fingerprint; the Audit view's Verify the Log says the demo workspace's
// log is intact, and, once an entry was edited behind PoolDesk's back, that it was tampered with
// and which entry.
#include "UiTestSupport.h"

#include "audit/AuditView.h"
#include "settings/AuditLogSection.h"
#include "storage/SqlHelpers.h"

#include <QPushButton>
#include <QSignalSpy>

using namespace PoolDesk;
using namespace PoolDesk::Test;

class TestAuditView : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { initUiTests(); }
    void verifyShowsIntactThenTampered_data() { addEngineRows(); }
    void verifyShowsIntactThenTampered();
    void settingsMakesAndShowsTheSigningKey();
};

void TestAuditView::verifyShowsIntactThenTampered() {
    QFETCH(QString, engine);
    auto workspace = workspaceFor(openDemo(engine, 3));
    Ui::AuditView view(*workspace);
    view.resize(1000, 700);
    view.show();
    view.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&view));
    auto *button = view.findChild<QPushButton *>(QStringLiteral("auditVerifyButton"));
    QVERIFY(button && button->isEnabled());
    QSignalSpy verified(&view, &Ui::AuditView::verified);
    QTest::mouseClick(button, Qt::LeftButton);
    QVERIFY(verified.wait(30000));
    QCOMPARE(verified.takeFirst().at(0).toBool(), true);
    QVERIFY2(view.verdictText().contains(QStringLiteral("intact")), qPrintable(view.verdictText()));
    QTest::qWait(50); // the layout takes the verdict's new height on the next pass of the event loop
    keepScreenshot(&view, QStringLiteral("audit-intact-") + engine);

    Database &db = workspace->database();
    const qint64 edited = scalar(db, QStringLiteral("SELECT id FROM audit_log WHERE seq = 1"));
    if (engine == QLatin1String("postgresql"))
        QVERIFY(Sql::exec(db.connection(), QStringLiteral("SET session_replication_role = replica")));
    QVERIFY(Sql::exec(db.connection(),
                      QStringLiteral("UPDATE audit_log SET actor = 'user:nobody' WHERE seq = 1")));
    if (engine == QLatin1String("postgresql"))
        QVERIFY(Sql::exec(db.connection(), QStringLiteral("SET session_replication_role = DEFAULT")));
    QTest::keyClick(&view, Qt::Key_V, Qt::ControlModifier | Qt::ShiftModifier);
    QVERIFY(verified.wait(30000));
    QCOMPARE(verified.takeFirst().at(0).toBool(), false);
    QVERIFY2(view.verdictText().contains(QStringLiteral("tampered")), qPrintable(view.verdictText()));
    QVERIFY2(view.verdictText().contains(QString::number(edited)), qPrintable(view.verdictText()));
    QTest::qWait(50);
    keepScreenshot(&view, QStringLiteral("audit-tampered-") + engine);
}

void TestAuditView::settingsMakesAndShowsTheSigningKey() {
    auto workspace = workspaceFor(openDemo(QStringLiteral("sqlite"), 3));
    Ui::AuditLogSection section(*workspace);
    section.show();
    QSignalSpy shown(&section, &Ui::AuditLogSection::keyShown);
    section.load();
    QVERIFY(shown.wait(30000));
    QVERIFY2(section.keyText().contains(QStringLiteral("None on this computer")),
             qPrintable(section.keyText()));
    auto *create = section.findChild<QPushButton *>(QStringLiteral("auditCreateKeyButton"));
    QVERIFY(create && create->isVisible() && create->isEnabled());
    QTest::mouseClick(create, Qt::LeftButton);
    QVERIFY(shown.wait(30000));
    QVERIFY2(section.keyText().contains(QStringLiteral("SHA256:")), qPrintable(section.keyText()));
    QVERIFY(!create->isVisible());
    QCOMPARE(scalar(workspace->database(),
                    QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE action = 'audit.key.create'")),
             1);
    // A second console (a new section) finds the same key in the keychain.
    Ui::AuditLogSection again(*workspace);
    QSignalSpy shownAgain(&again, &Ui::AuditLogSection::keyShown);
    again.load();
    QVERIFY(shownAgain.wait(30000));
    QCOMPARE(again.keyText(), section.keyText());
}

QTEST_MAIN(TestAuditView)
#include "tst_auditview.moc"
