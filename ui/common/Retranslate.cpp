#include "common/Retranslate.h"

#include <QComboBox>
#include <QEvent>
#include <QFormLayout>
#include <QLabel>
#include <QPointer>
#include <QWidget>

namespace PoolDesk::Ui {

namespace {

// Watches its owner for QEvent::LanguageChange and applies the owner's texts again.
class RetranslateHook final : public QObject {
    Q_OBJECT
public:
    explicit RetranslateHook(QWidget *owner)
        : QObject(owner) {
        setObjectName(QStringLiteral("retranslateHook"));
        owner->installEventFilter(this);
    }

    void add(std::function<void()> apply) { m_apply.push_back(std::move(apply)); }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override {
        if (event->type() == QEvent::LanguageChange && watched == parent()) {
            for (const auto &apply : m_apply)
                apply();
        }
        return false;
    }

private:
    std::vector<std::function<void()>> m_apply;
};

} // namespace

void onLanguageChange(QWidget *owner, std::function<void()> apply) {
    auto *hook =
        owner->findChild<RetranslateHook *>(QStringLiteral("retranslateHook"), Qt::FindDirectChildrenOnly);
    if (!hook)
        hook = new RetranslateHook(owner);
    hook->add(std::move(apply));
}

void retranslate(QWidget *owner, std::function<void()> apply) {
    apply();
    onLanguageChange(owner, std::move(apply));
}

void setItemTexts(QComboBox *combo, int first, const QStringList &texts) {
    // Sized to its texts in every language, not only to those it first showed.
    combo->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    for (int i = 0; i < texts.size() && first + i < combo->count(); ++i)
        combo->setItemText(first + i, texts.at(i));
}

QLabel *addFormRow(QFormLayout *form, QWidget *owner, std::function<QString()> label, QWidget *field) {
    auto *text = new QLabel(owner);
    text->setBuddy(field);
    QPointer<QLabel> guarded(text);
    retranslate(owner, [guarded, label = std::move(label)] {
        if (guarded)
            guarded->setText(label());
    });
    form->addRow(text, field);
    return text;
}

} // namespace PoolDesk::Ui

#include "Retranslate.moc"
