import { Form, type FormInstance, type FormProps, Modal, type ModalProps } from 'antd';
import { type ReactNode, useCallback, useState } from 'react';
import { useNotify } from './ui.js';

/**
 * A form's submission: `run(action)` sets `busy` while `action` runs and, if it throws, calls
 * `onError` (e.g. refetch after a 412) and then `fail(err, form)` to place field issues on the form.
 */
export function useSubmit(form?: FormInstance) {
  const { fail, ok, message } = useNotify();
  const [busy, setBusy] = useState(false);
  const run = useCallback(
    async (action: () => Promise<unknown>, onError?: (err: unknown) => unknown) => {
      setBusy(true);
      try {
        await action();
      } catch (e) {
        if (onError) await onError(e);
        fail(e, form);
      } finally {
        setBusy(false);
      }
    },
    [fail, form],
  );
  return { busy, run, ok, fail, message };
}

type PassthroughModalProps = Omit<
  ModalProps,
  'open' | 'title' | 'onCancel' | 'onOk' | 'confirmLoading' | 'destroyOnHidden' | 'children'
>;

export interface FormModalProps<T> extends PassthroughModalProps {
  open: boolean;
  title: ReactNode;
  onClose: () => void;
  form: FormInstance<T>;
  onFinish: (values: T) => unknown;
  busy?: boolean;
  initialValues?: FormProps<T>['initialValues'];
  /** extra props for the Form */
  formProps?: Omit<FormProps<T>, 'form' | 'layout' | 'onFinish' | 'preserve' | 'initialValues'>;
  /** rendered inside the modal above the form */
  before?: ReactNode;
  'data-testid'?: string;
  children?: ReactNode;
}

/** A modal holding one vertical form: OK submits it, the form is destroyed on close. */
export function FormModal<T>({
  open,
  title,
  onClose,
  form,
  onFinish,
  busy,
  initialValues,
  formProps,
  before,
  'data-testid': testId,
  children,
  ...modalProps
}: FormModalProps<T>) {
  return (
    <Modal
      open={open}
      title={title}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={busy}
      destroyOnHidden
      {...modalProps}
    >
      {before}
      <Form<T>
        form={form}
        layout="vertical"
        onFinish={onFinish}
        preserve={false}
        initialValues={initialValues}
        data-testid={testId}
        {...formProps}
      >
        {children}
      </Form>
    </Modal>
  );
}
