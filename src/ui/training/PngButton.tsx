/** A small button that saves the chart it sits in as a PNG. */
import { useController } from '../context.ts';
import { download } from '../shared/download.ts';
import { chartToPng } from '../runs/export-files.ts';

export function PngButton({ name }: { name: string }) {
  const controller = useController();
  return (
    <button
      type="button"
      className="png"
      title="Save this chart as a PNG"
      onClick={(e) => {
        const figure = (e.currentTarget as HTMLElement).closest('figure');
        if (!figure) return;
        chartToPng(figure).then(
          (blob) => download(blob, `${name}.png`),
          (error: unknown) => controller.notify(error instanceof Error ? error.message : String(error)),
        );
      }}
    >
      PNG
    </button>
  );
}
