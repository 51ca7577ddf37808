<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>Allocator</name>
    <message numerus="yes">
        <source>%1 may be given %n number(s) a second (%2 at once), and asked for more. Try again in %3 ms, or raise its allocation rate.</source>
        <translation>
            <numerusform>%1 may be given %n number a second (%2 at once), and asked for more. Try again in %3 ms, or raise its allocation rate.</numerusform>
            <numerusform>%1 may be given %n numbers a second (%2 at once), and asked for more. Try again in %3 ms, or raise its allocation rate.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 already has %n call(s) under way, its limit of concurrent calls. Wait for a call to end or raise the limit.</source>
        <translation>
            <numerusform>%1 already has %n call under way, its limit of concurrent calls. Wait for a call to end or raise the limit.</numerusform>
            <numerusform>%1 already has %n calls under way, its limit of concurrent calls. Wait for a call to end or raise the limit.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 has used %2 of its %n minute(s) this month. Raise its monthly minutes to call again this month.</source>
        <translation>
            <numerusform>%1 has used %2 of its %n minute this month. Raise its monthly minutes to call again this month.</numerusform>
            <numerusform>%1 has used %2 of its %n minutes this month. Raise its monthly minutes to call again this month.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>AuditVerification</name>
    <message numerus="yes">
        <source>The audit log is intact: %n entries, </source>
        <translation>
            <numerusform>The audit log is intact: %n entry, </numerusform>
            <numerusform>The audit log is intact: %n entries, </numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n signed checkpoints verified.</source>
        <translation>
            <numerusform>%n signed checkpoint verified.</numerusform>
            <numerusform>%n signed checkpoints verified.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>AutoScaler</name>
    <message numerus="yes">
        <source>autoscale: %1 free shared numbers, threshold %2 (pool service check every %n minute(s))</source>
        <translation>
            <numerusform>autoscale: %1 free shared numbers, threshold %2 (pool service check every %n minute)</numerusform>
            <numerusform>autoscale: %1 free shared numbers, threshold %2 (pool service check every %n minutes)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>the maximum pool size of %n number(s)</source>
        <translation>
            <numerusform>the maximum pool size of %n number</numerusform>
            <numerusform>the maximum pool size of %n numbers</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>idle for %n day(s) or more</source>
        <translation>
            <numerusform>idle for %n day or more</numerusform>
            <numerusform>idle for %n days or more</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n call(s) to %1 in the last %2 days had no local number</source>
        <translation>
            <numerusform>%n call to %1 in the last %2 days had no local number</numerusform>
            <numerusform>%n calls to %1 in the last %2 days had no local number</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>CompanyReportPdf</name>
    <message numerus="yes">
        <source>Outbound calls (%Ln call(s), %1 minutes)</source>
        <translation>
            <numerusform>Outbound calls (%Ln call, %1 minutes)</numerusform>
            <numerusform>Outbound calls (%Ln calls, %1 minutes)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Inbound calls (%Ln call(s), %1 minutes)</source>
        <translation>
            <numerusform>Inbound calls (%Ln call, %1 minutes)</numerusform>
            <numerusform>Inbound calls (%Ln calls, %1 minutes)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DemoWorkspace</name>
    <message numerus="yes">
        <source>%Ln company(ies)</source>
        <translation>
            <numerusform>%Ln company</numerusform>
            <numerusform>%Ln companies</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln number(s)</source>
        <translation>
            <numerusform>%Ln number</numerusform>
            <numerusform>%Ln numbers</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln call(s)</source>
        <translation>
            <numerusform>%Ln call</numerusform>
            <numerusform>%Ln calls</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ExportFlow</name>
    <message numerus="yes">
        <source>Exported %Ln row(s) to &lt;a href=&quot;%1&quot;&gt;%2&lt;/a&gt;.</source>
        <translation>
            <numerusform>Exported %Ln row to &lt;a href=&quot;%1&quot;&gt;%2&lt;/a&gt;.</numerusform>
            <numerusform>Exported %Ln rows to &lt;a href=&quot;%1&quot;&gt;%2&lt;/a&gt;.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>NumberCsv</name>
    <message numerus="yes">
        <source>A field is longer than %n byte(s).</source>
        <translation>
            <numerusform>A field is longer than %n byte.</numerusform>
            <numerusform>A field is longer than %n bytes.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The row has more than %n field(s).</source>
        <translation>
            <numerusform>The row has more than %n field.</numerusform>
            <numerusform>The row has more than %n fields.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The file is larger than %n MB: split it into several imports.</source>
        <translation>
            <numerusform>The file is larger than %n MB: split it into several imports.</numerusform>
            <numerusform>The file is larger than %n MB: split it into several imports.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The file has more than %n row(s): split it into several imports.</source>
        <translation>
            <numerusform>The file has more than %n row: split it into several imports.</numerusform>
            <numerusform>The file has more than %n rows: split it into several imports.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The row has %n field(s) but the header has %1.</source>
        <translation>
            <numerusform>The row has %n field but the header has %1.</numerusform>
            <numerusform>The row has %n fields but the header has %1.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PoolDesk::CallsTableModel</name>
    <message numerus="yes">
        <source>%n recording(s): select the call to play them below.</source>
        <translation>
            <numerusform>%n recording: select the call to play it below.</numerusform>
            <numerusform>%n recordings: select the call to play them below.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PoolDesk::CompaniesTableModel</name>
    <message numerus="yes">
        <source>%1 of %Ln minute(s) used this month.</source>
        <translation>
            <numerusform>%1 of %Ln minute used this month.</numerusform>
            <numerusform>%1 of %Ln minutes used this month.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PoolDesk::PoolTableModel</name>
    <message numerus="yes">
        <source>in %n day(s)</source>
        <translation>
            <numerusform>in %n day</numerusform>
            <numerusform>in %n days</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Answer rate (%n days)</source>
        <translation>
            <numerusform>Answer rate (%n day)</numerusform>
            <numerusform>Answer rate (%n days)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 of %n call(s) answered in the last %2 days; the same holder&apos;s numbers in its area code answered %3. The rate shown is estimated, so a number with few calls sits near them.</source>
        <translation>
            <numerusform>%1 of %n call answered in the last %2 days; the same holder&apos;s numbers in its area code answered %3. The rate shown is estimated, so a number with few calls sits near them.</numerusform>
            <numerusform>%1 of %n calls answered in the last %2 days; the same holder&apos;s numbers in its area code answered %3. The rate shown is estimated, so a number with few calls sits near them.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PoolDesk::Twilio::Client</name>
    <message numerus="yes">
        <source>Gave up after %n attempt(s): %1. Check the network and the API base URL of this environment.</source>
        <translation>
            <numerusform>Gave up after %n attempt: %1. Check the network and the API base URL of this environment.</numerusform>
            <numerusform>Gave up after %n attempts: %1. Check the network and the API base URL of this environment.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Twilio kept rate limiting after %n attempt(s). %1</source>
        <translation>
            <numerusform>Twilio kept rate limiting after %n attempt. %1</numerusform>
            <numerusform>Twilio kept rate limiting after %n attempts. %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Gave up after %n attempt(s): %1.</source>
        <translation>
            <numerusform>Gave up after %n attempt: %1.</numerusform>
            <numerusform>Gave up after %n attempts: %1.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PoolDesk::Twilio::ImportNumbersOperation</name>
    <message numerus="yes">
        <source>Fetched %n number(s)…</source>
        <translation>
            <numerusform>Fetched %n number…</numerusform>
            <numerusform>Fetched %n numbers…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Cancelled after %n number(s); run the import again to finish (it is safe to repeat).</source>
        <translation>
            <numerusform>Cancelled after %n number; run the import again to finish (it is safe to repeat).</numerusform>
            <numerusform>Cancelled after %n numbers; run the import again to finish (it is safe to repeat).</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PoolDesk::Twilio::ReleaseNumberOperation</name>
    <message numerus="yes">
        <source>Cancelled while Twilio was releasing %1: whether it was released is not known yet. The number stays out of use until PoolDesk checks at Twilio (the next import, or the pool service within %n minute(s)).</source>
        <translation>
            <numerusform>Cancelled while Twilio was releasing %1: whether it was released is not known yet. The number stays out of use until PoolDesk checks at Twilio (the next import, or the pool service within %n minute).</numerusform>
            <numerusform>Cancelled while Twilio was releasing %1: whether it was released is not known yet. The number stays out of use until PoolDesk checks at Twilio (the next import, or the pool service within %n minutes).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 It is not known whether Twilio released %2: the number stays out of use until PoolDesk checks again (the next import, or the pool service within %n minute(s)).</source>
        <translation>
            <numerusform>%1 It is not known whether Twilio released %2: the number stays out of use until PoolDesk checks again (the next import, or the pool service within %n minute).</numerusform>
            <numerusform>%1 It is not known whether Twilio released %2: the number stays out of use until PoolDesk checks again (the next import, or the pool service within %n minutes).</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PoolDesk::Twilio::SyncCallsOperation</name>
    <message numerus="yes">
        <source>%n call(s) read, %1 new</source>
        <translation>
            <numerusform>%n call read, %1 new</numerusform>
            <numerusform>%n calls read, %1 new</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PoolDesk::Ui::AuditView</name>
    <message numerus="yes">
        <source>%n entry(ies)</source>
        <translation>
            <numerusform>%n entry</numerusform>
            <numerusform>%n entries</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>…and %n more finding(s).</source>
        <translation>
            <numerusform>…and %n more finding.</numerusform>
            <numerusform>…and %n more findings.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>✖ The audit log was tampered with (%n finding(s), checked %1):</source>
        <translation>
            <numerusform>✖ The audit log was tampered with (%n finding, checked %1):</numerusform>
            <numerusform>✖ The audit log was tampered with (%n findings, checked %1):</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PoolDesk::Ui::CallsView</name>
    <message numerus="yes">
        <source>%Ln call(s)</source>
        <translation>
            <numerusform>%Ln call</numerusform>
            <numerusform>%Ln calls</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PoolDesk::Ui::CompaniesView</name>
    <message numerus="yes">
        <source>%n company(ies)</source>
        <translation>
            <numerusform>%n company</numerusform>
            <numerusform>%n companies</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>This month: %Ln call(s), %1 billed minutes, %2 in call charges. In use now: %3.</source>
        <translation>
            <numerusform>This month: %Ln call, %1 billed minutes, %2 in call charges. In use now: %3.</numerusform>
            <numerusform>This month: %Ln calls, %1 billed minutes, %2 in call charges. In use now: %3.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PoolDesk::Ui::CostsView</name>
    <message numerus="yes">
        <source>&lt;b&gt;Total %1&lt;/b&gt; for %Ln call(s) — dedicated rental %2, shared rental %3, outbound %4, inbound %5.</source>
        <translation>
            <numerusform>&lt;b&gt;Total %1&lt;/b&gt; for %Ln call — dedicated rental %2, shared rental %3, outbound %4, inbound %5.</numerusform>
            <numerusform>&lt;b&gt;Total %1&lt;/b&gt; for %Ln calls — dedicated rental %2, shared rental %3, outbound %4, inbound %5.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Twilio billed %1 for the %Ln call(s) it has priced; PoolDesk estimated %2 for them.</source>
        <translation>
            <numerusform>Twilio billed %1 for the %Ln call it has priced; PoolDesk estimated %2 for them.</numerusform>
            <numerusform>Twilio billed %1 for the %Ln calls it has priced; PoolDesk estimated %2 for them.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PoolDesk::Ui::PoolCapacityBar</name>
    <message numerus="yes">
        <source>%1 available, %2 reserved, %3 in use of %n number(s)</source>
        <translation>
            <numerusform>%1 available, %2 reserved, %3 in use of %n number</numerusform>
            <numerusform>%1 available, %2 reserved, %3 in use of %n numbers</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PoolDesk::Ui::PoolView</name>
    <message numerus="yes">
        <source>%n number(s)</source>
        <translation>
            <numerusform>%n number</numerusform>
            <numerusform>%n numbers</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Rest %1 for how many days?

PoolDesk will not give it to any call meanwhile (the pool&apos;s policy rests numbers for %n day(s)).</source>
        <translation>
            <numerusform>Rest %1 for how many days?

PoolDesk will not give it to any call meanwhile (the pool&apos;s policy rests numbers for %n day).</numerusform>
            <numerusform>Rest %1 for how many days?

PoolDesk will not give it to any call meanwhile (the pool&apos;s policy rests numbers for %n days).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 rests for %n day(s).</source>
        <translation>
            <numerusform>%1 rests for %n day.</numerusform>
            <numerusform>%1 rests for %n days.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PoolDesk::Ui::RecordingsPanel</name>
    <message numerus="yes">
        <source>%n recording(s) of call %1</source>
        <translation>
            <numerusform>%n recording of call %1</numerusform>
            <numerusform>%n recordings of call %1</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PoolDesk::Ui::TwilioActions</name>
    <message numerus="yes">
        <source>Point %n number(s) of the %1 account at its webhook URLs?</source>
        <translation>
            <numerusform>Point %n number of the %1 account at its webhook URLs?</numerusform>
            <numerusform>Point %n numbers of the %1 account at its webhook URLs?</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 of %n number(s) would change (%2 point at another environment).
</source>
        <translation>
            <numerusform>%1 of %n number would change (%2 point at another environment).
</numerusform>
            <numerusform>%1 of %n numbers would change (%2 point at another environment).
</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Updated %1 of %n number(s) (%2 had pointed at another environment).
</source>
        <translation>
            <numerusform>Updated %1 of %n number (%2 had pointed at another environment).
</numerusform>
            <numerusform>Updated %1 of %n numbers (%2 had pointed at another environment).
</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PoolDesk::Ui::UsageView</name>
    <message numerus="yes">
        <source>The pool is &lt;b&gt;too small&lt;/b&gt; for this target: add %n number(s).</source>
        <translation>
            <numerusform>The pool is &lt;b&gt;too small&lt;/b&gt; for this target: add %n number.</numerusform>
            <numerusform>The pool is &lt;b&gt;too small&lt;/b&gt; for this target: add %n numbers.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The pool is larger than needed: %n number(s) could be released.</source>
        <translation>
            <numerusform>The pool is larger than needed: %n number could be released.</numerusform>
            <numerusform>The pool is larger than needed: %n numbers could be released.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1: %n number(s), has %2</source>
        <translation>
            <numerusform>%1: %n number, has %2</numerusform>
            <numerusform>%1: %n numbers, has %2</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Answered: completed and at least %n second(s) long, as in the Pool view&apos;s health.</source>
        <translation>
            <numerusform>Answered: completed and at least %n second long, as in the Pool view&apos;s health.</numerusform>
            <numerusform>Answered: completed and at least %n seconds long, as in the Pool view&apos;s health.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>A day or week with fewer than %n call(s) on a number is a gap in its line, not 0%.</source>
        <translation>
            <numerusform>A day or week with fewer than %n call on a number is a gap in its line, not 0%.</numerusform>
            <numerusform>A day or week with fewer than %n calls on a number is a gap in its line, not 0%.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Answer rate by number — the busiest %n and any on watch or resting</source>
        <translation>
            <numerusform>Answer rate by number — the busiest number and any on watch or resting</numerusform>
            <numerusform>Answer rate by number — the busiest %n and any on watch or resting</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1
%2: %3 answered (%4 of %n call(s))</source>
        <translation>
            <numerusform>%1
%2: %3 answered (%4 of %n call)</numerusform>
            <numerusform>%1
%2: %3 answered (%4 of %n calls)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ReconcileOperation</name>
    <message numerus="yes">
        <source>%n number(s) on the account outside the pool</source>
        <translation>
            <numerusform>%n number on the account outside the pool</numerusform>
            <numerusform>%n numbers on the account outside the pool</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n call(s) Twilio billed that PoolDesk has not synced (run Twilio ▸ Sync Calls)</source>
        <translation>
            <numerusform>%n call Twilio billed that PoolDesk has not synced (run Twilio ▸ Sync Calls)</numerusform>
            <numerusform>%n calls Twilio billed that PoolDesk has not synced (run Twilio ▸ Sync Calls)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n number(s) charged here that Twilio did not bill this month</source>
        <translation>
            <numerusform>%n number charged here that Twilio did not bill this month</numerusform>
            <numerusform>%n numbers charged here that Twilio did not bill this month</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n call(s) here that Twilio has not billed yet</source>
        <translation>
            <numerusform>%n call here that Twilio has not billed yet</numerusform>
            <numerusform>%n calls here that Twilio has not billed yet</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n call(s) still at the estimate (Twilio&apos;s price not synced)</source>
        <translation>
            <numerusform>%n call still at the estimate (Twilio&apos;s price not synced)</numerusform>
            <numerusform>%n calls still at the estimate (Twilio&apos;s price not synced)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>pooldeskctl</name>
    <message numerus="yes">
        <source>%n expired lease(s) freed.</source>
        <translation>
            <numerusform>%n expired lease freed.</numerusform>
            <numerusform>%n expired leases freed.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Settled %n interrupted release(s) of %1 numbers: %2 finished (gone from Twilio, removed from the pool), %3 undone (still on the account, available again).</source>
        <translation>
            <numerusform>Settled %n interrupted release of %1 numbers: %2 finished (gone from Twilio, removed from the pool), %3 undone (still on the account, available again).</numerusform>
            <numerusform>Settled %n interrupted releases of %1 numbers: %2 finished (gone from Twilio, removed from the pool), %3 undone (still on the account, available again).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n release(s) began less than %1 minutes ago and may still be under way; settle them later.</source>
        <translation>
            <numerusform>%n release began less than %1 minutes ago and may still be under way; settle it later.</numerusform>
            <numerusform>%n releases began less than %1 minutes ago and may still be under way; settle them later.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Synced %n call(s): %1 new, %2 matched to calls the pool recorded, %3 got Twilio&apos;s price, %4 unchanged, %5 still under way (taken next time); %6 recordings.</source>
        <translation>
            <numerusform>Synced %n call: %1 new, %2 matched to calls the pool recorded, %3 got Twilio&apos;s price, %4 unchanged, %5 still under way (taken next time); %6 recordings.</numerusform>
            <numerusform>Synced %n calls: %1 new, %2 matched to calls the pool recorded, %3 got Twilio&apos;s price, %4 unchanged, %5 still under way (taken next time); %6 recordings.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Pool %1: %n number(s) (%2 shared, %3 dedicated)</source>
        <translation>
            <numerusform>Pool %1: %n number (%2 shared, %3 dedicated)</numerusform>
            <numerusform>Pool %1: %n numbers (%2 shared, %3 dedicated)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Twilio priced %1 of %n call(s): billed %2 against an estimate of %3.</source>
        <translation>
            <numerusform>Twilio priced %1 of %n call: billed %2 against an estimate of %3.</numerusform>
            <numerusform>Twilio priced %1 of %n calls: billed %2 against an estimate of %3.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln call(s), %1 billed minutes, cost %2 (%3 priced by Twilio, the rest estimated).</source>
        <translation>
            <numerusform>%Ln call, %1 billed minutes, cost %2 (%3 priced by Twilio, the rest estimated).</numerusform>
            <numerusform>%Ln calls, %1 billed minutes, cost %2 (%3 priced by Twilio, the rest estimated).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Dry run: %1 of %n number(s) would change (%2 pointing at another environment). Nothing was changed.</source>
        <translation>
            <numerusform>Dry run: %1 of %n number would change (%2 pointing at another environment). Nothing was changed.</numerusform>
            <numerusform>Dry run: %1 of %n numbers would change (%2 pointing at another environment). Nothing was changed.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Updated %1 of %n number(s) to %2 (%3 had pointed at another environment).</source>
        <translation>
            <numerusform>Updated %1 of %n number to %2 (%3 had pointed at another environment).</numerusform>
            <numerusform>Updated %1 of %n numbers to %2 (%3 had pointed at another environment).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 pool: %n number(s), %2 shared free (threshold %3), rental %4/month.</source>
        <translation>
            <numerusform>%1 pool: %n number, %2 shared free (threshold %3), rental %4/month.</numerusform>
            <numerusform>%1 pool: %n numbers, %2 shared free (threshold %3), rental %4/month.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Idle %n day(s) or more: %1, next billed %2%3</source>
        <translation>
            <numerusform>Idle %n day or more: %1, next billed %2%3</numerusform>
            <numerusform>Idle %n days or more: %1, next billed %2%3</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>CALLS (%n DAYS)</source>
        <translation>
            <numerusform>CALLS (%n DAY)</numerusform>
            <numerusform>CALLS (%n DAYS)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1: %n call(s) without a local number; shared numbers there %2, sizing wants %3 more; to buy there %4</source>
        <translation>
            <numerusform>%1: %n call without a local number; shared numbers there %2, sizing wants %3 more; to buy there %4</numerusform>
            <numerusform>%1: %n calls without a local number; shared numbers there %2, sizing wants %3 more; to buy there %4</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Calls to %n more area code(s) went out without a local number; they are outside %1 or Twilio cannot search them by area code, so nothing is bought there.</source>
        <translation>
            <numerusform>Calls to %n more area code went out without a local number; it is outside %1 or Twilio cannot search it by area code, so nothing is bought there.</numerusform>
            <numerusform>Calls to %n more area codes went out without a local number; they are outside %1 or Twilio cannot search them by area code, so nothing is bought there.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Twilio offered no number in %n area code(s): %1.</source>
        <translation>
            <numerusform>Twilio offered no number in %n area code: %1.</numerusform>
            <numerusform>Twilio offered no number in %n area codes: %1.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Nothing imported: %n problem(s) in the file.</source>
        <translation>
            <numerusform>Nothing imported: %n problem in the file.</numerusform>
            <numerusform>Nothing imported: %n problems in the file.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>... and %n more problem(s).</source>
        <translation>
            <numerusform>... and %n more problem.</numerusform>
            <numerusform>... and %n more problems.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>All %n row(s) are valid. Nothing imported (--dry-run).</source>
        <translation>
            <numerusform>The %n row is valid. Nothing imported (--dry-run).</numerusform>
            <numerusform>All %n rows are valid. Nothing imported (--dry-run).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Imported %n number(s).</source>
        <translation>
            <numerusform>Imported %n number.</numerusform>
            <numerusform>Imported %n numbers.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n earlier checkpoint(s) copied into the witness too.</source>
        <translation>
            <numerusform>%n earlier checkpoint copied into the witness too.</numerusform>
            <numerusform>%n earlier checkpoints copied into the witness too.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Importing: %1 of %n number(s) added…</source>
        <translation>
            <numerusform>Importing: %1 of %n number added…</numerusform>
            <numerusform>Importing: %1 of %n numbers added…</numerusform>
        </translation>
    </message>
</context>
</TS>
