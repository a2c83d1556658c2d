/** The page: header with the backend, then the dataset, training and results panels. */
import { BackendPicker } from './shared/BackendPicker.tsx';
import { ClassifyPanel } from './classify/ClassifyPanel.tsx';
import { useAppState, useController } from './context.ts';
import { DatasetPanel } from './datasets/DatasetPanel.tsx';
import { RunsTable } from './runs/RunsTable.tsx';
import { TrainingPanel } from './training/TrainingPanel.tsx';
import { Explainer, ExplainerToggle } from './shared/Explainer.tsx';

function NoticeBar() {
  const notice = useAppState((s) => s.notice);
  const controller = useController();
  if (!notice) return null;
  return (
    <div className={`notice notice-${notice.tone}`} role="alert" data-testid="notice">
      <span>{notice.text}</span>
      <button type="button" className="dismiss" aria-label="Dismiss" onClick={() => controller.dismissNotice()}>
        ×
      </button>
    </div>
  );
}

export function App() {
  return (
    <div className="app">
      <header className="header">
        <div>
          <h1>Zero-Shot Studio</h1>
          <p className="tagline">
            Teach a model to recognise animals it has never seen, in your browser. <ExplainerToggle />
          </p>
        </div>
        <BackendPicker />
      </header>
      <NoticeBar />
      <main className="panels">
        <Explainer />
        <DatasetPanel />
        <TrainingPanel />
        <RunsTable />
        <ClassifyPanel />
      </main>
    </div>
  );
}
