/**
 * A canvas to draw a picture-world combination on (or drop a picture onto),
 * classified by the worker with the picture backbone. The pixels cross to the
 * worker as a transferred buffer; nothing leaves the machine.
 */
import { useEffect, useRef, useState, type PointerEvent } from 'react';
import type { Classification } from '../../core/inference/classify.ts';
import { useController } from '../context.ts';
import { FileInput } from '../shared/FileInput.tsx';

const COLOURS: Record<string, string> = { red: '#d62828', green: '#2a9d3a', blue: '#1f5fd6', yellow: '#f2c12e', purple: '#8e44ad', grey: '#777' };
const SIZE = 224;

export function DrawingPad({ scope, onResult }: { scope: 'unseen' | 'all'; onResult: (result: Classification | null) => void }) {
  const controller = useController();
  const canvas = useRef<HTMLCanvasElement>(null);
  const [colour, setColour] = useState('red');
  const [brush, setBrush] = useState(18);
  const drawing = useRef<{ x: number; y: number } | null>(null);

  const clear = () => {
    const context = canvas.current?.getContext('2d');
    if (!context) return;
    context.fillStyle = '#fff';
    context.fillRect(0, 0, SIZE, SIZE);
  };
  useEffect(clear, []);

  const point = (e: PointerEvent<HTMLCanvasElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    return { x: ((e.clientX - rect.left) / rect.width) * SIZE, y: ((e.clientY - rect.top) / rect.height) * SIZE };
  };
  const stroke = (to: { x: number; y: number }) => {
    const context = canvas.current?.getContext('2d');
    const from = drawing.current;
    if (!context || !from) return;
    context.strokeStyle = COLOURS[colour]!;
    context.lineWidth = brush;
    context.lineCap = 'round';
    context.beginPath();
    context.moveTo(from.x, from.y);
    context.lineTo(to.x, to.y);
    context.stroke();
    drawing.current = to;
  };
  // Paste a picture from the clipboard anywhere on the page while the pad is shown:
  // one listener for the pad's lifetime, reading the latest scope and callback.
  const latest = useRef({ scope, onResult });
  latest.current = { scope, onResult };
  useEffect(() => {
    const onPaste = (event: ClipboardEvent) => {
      const file = Array.from(event.clipboardData?.files ?? []).find((f) => f.type.startsWith('image/'));
      if (!file) return;
      event.preventDefault();
      void controller.classifyImageFile(file, latest.current.scope).then(latest.current.onResult);
    };
    window.addEventListener('paste', onPaste);
    return () => window.removeEventListener('paste', onPaste);
  }, [controller]);

  const classify = async () => {
    const context = canvas.current?.getContext('2d');
    if (!context) return;
    const { data } = context.getImageData(0, 0, SIZE, SIZE);
    onResult(await controller.classifyPixels(data, SIZE, SIZE, scope));
  };

  return (
    <div className="drawing">
      <canvas
        ref={canvas}
        width={SIZE}
        height={SIZE}
        data-testid="drawing-canvas"
        onPointerDown={(e) => {
          e.currentTarget.setPointerCapture(e.pointerId);
          drawing.current = point(e);
          stroke(point(e));
        }}
        onPointerMove={(e) => drawing.current && stroke(point(e))}
        onPointerUp={() => {
          drawing.current = null;
        }}
        onDragOver={(e) => e.preventDefault()}
        onDrop={(e) => {
          e.preventDefault();
          const file = e.dataTransfer.files[0];
          if (file) void controller.classifyImageFile(file, scope).then(onResult);
        }}
      />
      <div className="drawing-tools">
        <div className="swatches">
          {Object.entries(COLOURS).map(([name, css]) => (
            <button
              key={name}
              type="button"
              title={name}
              aria-label={name}
              className={name === colour ? 'swatch selected' : 'swatch'}
              style={{ background: css }}
              onClick={() => setColour(name)}
            />
          ))}
        </div>
        <label>
          Brush <input type="range" min={4} max={60} value={brush} onChange={(e) => setBrush(Number(e.target.value))} />
        </label>
        <div className="row">
          <button type="button" className="primary" data-testid="classify-drawing" onClick={() => void classify()}>
            What is it?
          </button>
          <button type="button" onClick={clear}>
            Clear
          </button>
        </div>
        <Webcam scope={scope} onResult={onResult} />
        <label className="hint">
          …or pick a picture (or paste one):{' '}
          <FileInput
            accept="image/png,image/jpeg,image/webp"
            data-testid="picture-input"
            onFiles={([picked]) => picked && void controller.classifyImageFile(picked.file, scope).then(onResult)}
          />
        </label>
      </div>
    </div>
  );
}

/** A webcam snapshot, where the browser offers a camera and the user allows it; the video never leaves the page. */
function Webcam({ scope, onResult }: { scope: 'unseen' | 'all'; onResult: (result: Classification | null) => void }) {
  const controller = useController();
  const video = useRef<HTMLVideoElement>(null);
  const [stream, setStream] = useState<MediaStream | null>(null);
  useEffect(() => () => stream?.getTracks().forEach((t) => t.stop()), [stream]);
  if (!navigator.mediaDevices?.getUserMedia) return null;
  const start = async () => {
    try {
      const media = await navigator.mediaDevices.getUserMedia({ video: { width: 320, height: 240 } });
      setStream(media);
      if (video.current) {
        video.current.srcObject = media;
        await video.current.play();
      }
    } catch (error) {
      controller.notify(`The camera is not available: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const snap = async () => {
    const element = video.current;
    if (!element || !element.videoWidth) return;
    const canvas = document.createElement('canvas');
    canvas.width = element.videoWidth;
    canvas.height = element.videoHeight;
    const context = canvas.getContext('2d')!;
    context.drawImage(element, 0, 0);
    const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
    onResult(await controller.classifyPixels(data, canvas.width, canvas.height, scope));
  };
  return (
    <div className="webcam">
      <video ref={video} muted playsInline width={160} height={120} hidden={!stream} />
      {stream ? (
        <button type="button" onClick={() => void snap()}>
          Classify a snapshot
        </button>
      ) : (
        <button type="button" onClick={() => void start()}>
          Use the camera
        </button>
      )}
    </div>
  );
}
